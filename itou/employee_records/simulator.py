"""The ASP's side of the exchange, for the demo and the tests (never in production).

It reads each batch file of `depot`, answers it in `retrait` with the same lines plus
`codeTraitement`/`libelleTraitement` (a realistic mix: mostly 0000, some usual rejections),
then removes the batch from `depot` as the ASP does once it has read it.
"""

import json
import random

from itou.employee_records import sftp

SUCCESS = ("0000", "La ligne de la fiche salarié a été enregistrée avec succès.")
REJECTIONS = [
    ("3435", "Aucune annexe financière à jour pour cette structure."),
    ("3417", "La commune de résidence est inconnue dans l'Extranet IAE 2.0."),
    ("3308", "La commune de naissance ne correspond pas au département de naissance."),
    ("3436", "La fiche salarié associée à ce PASS IAE et à votre SIRET a déjà été intégrée à l'ASP."),
]


def answer(document: dict, *, rng: random.Random, error_rate: float) -> dict:
    lines = []
    for line in document["lignesTelechargement"]:
        # A notification (M) is almost always accepted; creations get the usual mix.
        code, label = SUCCESS
        if line.get("typeMouvement") == "C" and rng.random() < error_rate:
            code, label = rng.choice(REJECTIONS)
        lines.append({**line, "codeTraitement": code, "libelleTraitement": label})
    return {**document, "msgInformatif": None, "telId": None, "lignesTelechargement": lines}


def run_once(client: sftp.ASPClient, *, seed=None, error_rate: float = 0.25) -> list[str]:
    """Answer every batch waiting in `depot`; returns the feedback file names written."""
    rng = random.Random(seed)
    written = []
    for name in client.uploaded_files():
        document = json.loads(client.read(sftp.UPLOAD_DIR, name))
        feedback_name = name.removesuffix(".json") + "_FichierRetour.json"
        data = json.dumps(answer(document, rng=rng, error_rate=error_rate), ensure_ascii=False).encode()
        client.write(sftp.DOWNLOAD_DIR, feedback_name, data)
        client.remove(sftp.UPLOAD_DIR, name)
        written.append(feedback_name)
    return written
