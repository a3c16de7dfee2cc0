"""The published CSV format of the Base Adresse Nationale (``adresses-<département>.csv.gz``):
``;``-separated, UTF-8, this header of 23 fields (positions in ``lon``/``lat``, WGS84, and
``x``/``y`` in the local projection). No Django import: the generators of *exemple fictif*
files use it too."""

BAN_HEADER = (
    "id;id_fantoir;numero;rep;nom_voie;code_postal;code_insee;nom_commune;"
    "code_insee_ancienne_commune;nom_ancienne_commune;x;y;lon;lat;type_position;alias;nom_ld;"
    "libelle_acheminement;nom_afnor;source_position;source_nom_voie;certification_commune;"
    "cad_parcelles"
).split(";")
