"""What `collectstatic` leaves out: the parts of the DSFR the pages never load.

The DSFR package ships each component, its legacy build, its utility stylesheets and
their split files (1,600 files); the pages load only `dsfr.main.min.css`, the DSFR
scripts, fonts, favicons, icons and artworks (layout/base.html, home/standalone_error.html). Leaving
the rest out makes `collectstatic` (hashing and Gzip/Brotli compression) much faster.
With DEBUG on, runserver reads every file from the packages, ignored or not.
"""

from django.contrib.staticfiles.apps import StaticFilesConfig as DjangoStaticFilesConfig

DSFR = "dsfr/dist/"
IGNORED_DSFR_PARTS = [
    f"{DSFR}analytics/*",
    f"{DSFR}component/*",
    f"{DSFR}core/*",
    f"{DSFR}layout/*",
    f"{DSFR}legacy/*",
    f"{DSFR}scheme/*",
    f"{DSFR}utility/*",  # replaced by itou/css/dsfr-utility.css
    f"{DSFR}dsfr/dsfr.min.css",  # main + legacy: we load dsfr.main.min.css
    f"{DSFR}dsfr/dsfr.legacy.min.css",
    f"{DSFR}*.md",
    f"{DSFR}*.map",
    "django-dsfr/icon-picker/*",
]


class StaticFilesConfig(DjangoStaticFilesConfig):
    ignore_patterns = [*DjangoStaticFilesConfig.ignore_patterns, *IGNORED_DSFR_PARTS]
