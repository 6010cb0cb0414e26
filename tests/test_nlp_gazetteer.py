"""Tests for nlp/gazetteer.py and data/gazetteer/offices.csv: loading, validation, coverage."""

from __future__ import annotations

import pytest

from nlp.gazetteer import OFFICE_COLUMNS, GazetteerError, load_offices, load_places, place_words

HEADER = ",".join(OFFICE_COLUMNS)
GOOD_ROW = (
    "kanim-contoh,Kantor Imigrasi Contoh,kantor_imigrasi,,Contoh,Jawa Barat,Kanim Contoh,,"
    "-6.5,106.8,low,test"
)


@pytest.fixture(scope="module")
def offices():
    return {o["office_id"]: o for o in load_offices()}


def test_load_shape(offices):
    assert len(offices) >= 200
    serang = offices["kanim-serang"]
    assert set(serang) == set(OFFICE_COLUMNS)
    assert isinstance(serang["aliases"], list) and "Kanim Serang" in serang["aliases"]
    assert isinstance(serang["lat"], float) and isinstance(serang["lon"], float)


@pytest.mark.parametrize(
    "office_id,alias",
    [
        pytest.param("ditjen-imigrasi", "Ditjen Imigrasi", id="ditjen-added"),
        pytest.param("kanwil-jatim", "Kanwil Kemenkumham Jatim", id="kanwil-old-abbreviation"),
        pytest.param(
            "kanwil-jatim",
            "Kantor Wilayah Kementerian Hukum dan HAM Jawa Timur",
            id="kanwil-old-full",
        ),
        pytest.param(
            "kanwil-jateng",
            "Divisi Keimigrasian Kanwil Kemenkumham Jawa Tengah",
            id="kanwil-divisi",
        ),
        pytest.param(
            "kanwil-sulsel", "Kanwil Ditjen Imigrasi Sulsel", id="kanwil-new-abbreviation"
        ),
        pytest.param("kanwil-kepri", "Kantor Wilayah Imigrasi Kepri", id="kanwil-kepri"),
        pytest.param("kanwil-aceh", "Kanwil Kemenkumham Aceh", id="kanwil-aceh-added"),
        pytest.param("kanim-batam", "Kanimsus Batam", id="kanimsus"),
        pytest.param("kanim-soekarnohatta", "Imigrasi Soetta", id="soetta"),
        pytest.param(
            "kanim-tanjungperak", "Kantor Imigrasi Tanjung Perak Surabaya", id="tanjung-perak"
        ),
        pytest.param("kanim-jakartaselatan", "Kanim Jaksel", id="jaksel"),
        pytest.param("kanim-jakartapusat", "Kanim Jakpus", id="jakpus"),
    ],
)
def test_aliases(offices, office_id, alias):
    assert alias in offices[office_id]["aliases"]


def test_every_kanwil_has_old_and_new_names(offices):
    kanwils = [o for o in offices.values() if o["kind"] == "kanwil_imigrasi"]
    assert len(kanwils) >= 33
    for o in kanwils:
        prov = o["province"]
        assert f"Kanwil Kemenkumham {prov}" in o["aliases"], o["office_id"]
        assert f"Kanwil Ditjen Imigrasi {prov}" in o["aliases"], o["office_id"]


def test_place_keys_link_to_one_office_each(offices):
    owner = {}
    for o in offices.values():
        for name in (o["name"], *o["aliases"]):
            key = (o["kind"], place_words(name))
            assert owner.setdefault(key, o["office_id"]) == o["office_id"], (name, owner[key])
    assert len(owner) > 300


@pytest.mark.parametrize(
    "name,words",
    [
        pytest.param(
            "Kantor Imigrasi Kelas I Khusus TPI Soekarno-Hatta", ("soekarno", "hatta"), id="kanim"
        ),
        pytest.param("Kanwil Kemenkumham Jatim", ("jatim",), id="kanwil"),
        pytest.param(
            "Rumah Detensi Imigrasi (Rudenim) Jakarta", ("jakarta",), id="rudenim-brackets"
        ),
        pytest.param("Direktorat Jenderal Imigrasi", (), id="ditjen-has-no-place"),
    ],
)
def test_place_words(name, words):
    assert place_words(name) == words


def test_places_list():
    places = {name: (province, kind) for name, province, kind in load_places()}
    assert len(places) > 500
    assert places["Lebak"] == ("Banten", "kabupaten")


@pytest.mark.parametrize(
    "content,message",
    [
        pytest.param("", "is empty", id="empty-file"),
        pytest.param(HEADER + "\n", "no rows", id="header-only"),
        pytest.param("office_id,name\nx,y\n", "missing columns", id="missing-columns"),
        pytest.param(
            HEADER + "\n" + GOOD_ROW.replace("kantor_imigrasi", "bandara") + "\n",
            ":2: unknown kind",
            id="bad-kind",
        ),
        pytest.param(
            HEADER + "\n" + GOOD_ROW + "\n" + GOOD_ROW + "\n",
            ":3: duplicate office_id",
            id="duplicate-id",
        ),
        pytest.param(
            HEADER + "\n" + GOOD_ROW.replace("-6.5", "enam") + "\n",
            ":2: lat is not a number",
            id="bad-lat",
        ),
        pytest.param(
            HEADER + "\n" + GOOD_ROW.replace("-6.5", "") + "\n",
            ":2: lat and lon",
            id="half-coordinates",
        ),
        pytest.param(
            HEADER + "\n" + GOOD_ROW.replace("kanim-contoh", "") + "\n",
            ":2: empty office_id",
            id="empty-id",
        ),
        pytest.param(
            HEADER + "\n" + GOOD_ROW.replace("kanim-contoh", "Kanim Contoh") + "\n",
            ":2: bad office_id",
            id="bad-id",
        ),
        pytest.param(
            HEADER + "\n" + GOOD_ROW + ",extra\n", ":2: wrong number of fields", id="extra-field"
        ),
        pytest.param(
            HEADER + "\nkanim-contoh,Kantor\n", ":2: wrong number of fields", id="short-row"
        ),
    ],
)
def test_bad_gazetteer(tmp_path, content, message):
    path = tmp_path / "offices.csv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(GazetteerError, match=message) as err:
        load_offices(path)
    assert str(path) in str(err.value)


def test_good_row_loads(tmp_path):
    path = tmp_path / "offices.csv"
    path.write_text(HEADER + "\n" + GOOD_ROW + "\n", encoding="utf-8")
    assert load_offices(path) == [
        {
            "office_id": "kanim-contoh",
            "name": "Kantor Imigrasi Contoh",
            "kind": "kantor_imigrasi",
            "class": "",
            "place": "Contoh",
            "province": "Jawa Barat",
            "aliases": ["Kanim Contoh"],
            "website": "",
            "lat": -6.5,
            "lon": 106.8,
            "confidence": "low",
            "source": "test",
        }
    ]


def test_missing_file(tmp_path):
    with pytest.raises(GazetteerError, match="nowhere.csv"):
        load_offices(tmp_path / "nowhere.csv")


def test_gazetteer_error_is_a_value_error():
    assert issubclass(GazetteerError, ValueError)
