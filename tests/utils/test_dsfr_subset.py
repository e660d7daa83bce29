"""The committed subset of the DSFR utility stylesheet is what build_dsfr_subset generates now."""

from itou.utils.management.commands import build_dsfr_subset


def test_committed_subset_is_up_to_date():
    assert build_dsfr_subset.TARGET.read_text() == build_dsfr_subset.render(), (
        "itou/static/itou/css/dsfr-utility.css n'est pas à jour : make manage ARGS=build_dsfr_subset"
    )


def test_subset_keeps_used_icons_only():
    css = build_dsfr_subset.build(
        ".fr-icon-a:before,.fr-icon-b:before{mask-image:url(../icons/system/a.svg)}"
        ".fr-icon-c:before{color:red}@media (min-width:48em){.fr-icon-c{x:1}.fr-icon-a{y:2}}",
        {"fr-icon-a"},
    )
    assert ".fr-icon-a:before{mask-image:url(../../dsfr/dist/icons/system/a.svg)}" in css
    assert "fr-icon-b" not in css and "fr-icon-c" not in css
    assert "@media (min-width:48em){.fr-icon-a{y:2}}" in css
