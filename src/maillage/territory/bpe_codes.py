"""INSEE BPE equipment types (``TYPEQU``) that name one type of Maillage's directory.

Verified against the INSEE nomenclature of the BPE « ensemble » file, the ``varmod`` file
(``VARIABLE;MODALITE;MODLIBELLE``) published with it by INSEE:

- BPE 2013, ``bpe13_varmod_ensemble.dbf`` (INSEE), as redistributed byte for byte in
  github.com/JGravier/postdoc_services_publics, ``BDD_services_publics/data_entrees/``, commit
  f691833b2a8169935ea3f0102b14b7363c48243c (2020-06-15); read on 2026-12-03. Same labels in
  ``bpe09_varmod_ensemble.dbf`` of the same commit for the codes present in 2009.
- The BPE's own description of ``D501`` (« Crèches collectives ou parentales, haltes-garderie…,
  établissement d'accueil collectif et/ou familial ») as quoted in github.com/armgilles/
  open-moulinette ``insee/documentation.md`` (BPE 2013).
- BPE metadata: https://www.insee.fr/fr/metadonnees/source/serie/s1161

Only codes that name **one** Maillage typology are mapped; what is left out and why:

- ``D501`` « Garde d'enfant d'âge préscolaire »: crèches collectives, parentales,
  haltes-garderies, jardins d'enfants, accueil familial — several Maillage types
  (``eaje-creche-collective``, ``eaje-halte-garderie``, ``eaje-creche-familiale``…); the BPE
  does not say which: not loaded, counted in ``SOURCES.md``.
- ``A111`` « Relais pôle emploi », ``A112`` « Permanence pôle emploi »: points held in a
  partner's premises, not France Travail agencies.
- ``A116`` « Relais (RSP) et Maison (MSP) de Service public »: not every MSAP became a
  France services.
- Schools (``C101`` École maternelle, ``C104`` École élémentaire, ``C201`` Collège…): they map to
  one type each, but the Éducation nationale files give the same schools with their UAI and
  name; the BPE « ensemble » file has neither, and would make a second, nameless fiche of
  each school.
- Later vintages' codes (e.g. the ``D502``… of the BPE geolocated files since 2019, relais
  petite enfance, LAEP, centres sociaux): no copy of INSEE's nomenclature for them was found
  to check against (2026-12-03); left out until one is.
"""

from __future__ import annotations

#: ``TYPEQU`` → (Maillage typology code, INSEE label of the code in the BPE 2013 varmod).
BPE_TYPOLOGIES: dict[str, tuple[str, str]] = {
    # A110 « Agence de proximité pôle emploi » (2013); Pôle emploi has been named France
    # Travail since 1 January 2024 (loi pour le plein emploi, 2023).
    "A110": ("france-travail", "Agence de proximité pôle emploi"),
}

#: Codes seen in a perimeter but left out, with the reason printed in SOURCES.md.
LEFT_OUT: dict[str, str] = {
    "D501": "garde d'enfant d'âge préscolaire : crèches, haltes-garderies, accueil familial "
    "confondus, pas de type d'annuaire unique",
    "C101": "école maternelle : déjà donnée avec son UAI par l'Éducation nationale",
    "C104": "école élémentaire : déjà donnée avec son UAI par l'Éducation nationale",
    "C201": "collège : déjà donné avec son UAI par l'Éducation nationale",
}

NOMENCLATURE_SOURCE = (
    "nomenclature INSEE de la BPE (varmod « ensemble » 2013, fichier bpe13_varmod_ensemble.dbf, "
    "vérifiée le 3/12/2026)"
)
