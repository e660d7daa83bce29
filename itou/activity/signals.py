"""`contract_ended(sender=ContractEnd, contract_end=…, created=bool)`: sent after the
transaction that declared (or corrected) a contract end commits. The employee records
(fiches salarié ASP) listen to it to send their update; the PASS IAE is left alone."""

import django.dispatch

contract_ended = django.dispatch.Signal()
