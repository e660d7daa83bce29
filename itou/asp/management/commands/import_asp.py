"""Load the ASP countries and communes (itou/asp/data/) into the database; idempotent."""

from django.core.management.base import BaseCommand
from django.db import transaction

from itou.asp.models import AspCommune, Country
from itou.asp.refs import parse_date, read_csv


def _countries() -> list[Country]:
    return [
        Country(
            code=row["CODE_INSEE_PAYS"].zfill(3),
            name=row["LIB_INSEE_PAYS"],
            group=row["CODE_GROUPE_PAYS"],
            department_code=row["CODE_DPT"].zfill(3),
        )
        for row in read_csv("ref_insee_pays_v4.csv")
    ]


def _communes() -> list[AspCommune]:
    return [
        AspCommune(
            code=row["code_com_insee"].zfill(5),
            name=row["lib_com"],
            start_date=parse_date(row["date_deb_insee"]),
            end_date=parse_date(row["date_fin_insee"]),
        )
        for row in read_csv("ref_insee_com_v4.csv")
    ]


class Command(BaseCommand):
    help = "Importe les référentiels ASP (pays, communes avec dates de validité)."

    @transaction.atomic
    def handle(self, *args, **options):
        countries = _countries()
        communes = _communes()
        if Country.objects.count() == len({c.code for c in countries}) and AspCommune.objects.count() == len(communes):
            self.stdout.write("Référentiels ASP déjà à jour.")
            return
        for country in countries:
            Country.objects.update_or_create(
                code=country.code,
                defaults={"name": country.name, "group": country.group, "department_code": country.department_code},
            )
        # Communes have no natural key (a code comes back with another period): replaced whole.
        # Employee records point at a commune by its code and date, never by this row id.
        AspCommune.objects.all().delete()
        AspCommune.objects.bulk_create(communes, batch_size=5000)
        self.stdout.write(f"{len(countries)} pays, {len(communes)} communes ASP importés.")
