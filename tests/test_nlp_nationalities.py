"""Tests for nlp/nationalities.py: citizens' countries as ISO codes, not places."""

import pytest

import nlp
from nlp.nationalities import country_table


def codes(text):
    return sorted(n.code for n in nlp.extract(text).nationalities)


@pytest.mark.parametrize(
    "text, expected",
    [
        pytest.param("Petugas memeriksa seorang warga negara Nigeria.", ["NG"], id="warga-negara"),
        pytest.param("Seorang WNA asal India dideportasi.", ["IN"], id="wna-asal"),
        pytest.param("Pria berkewarganegaraan Mesir itu ditahan.", ["EG"], id="berkewarganegaraan"),
        pytest.param("Dua wanita berkebangsaan Uzbekistan diperiksa.", ["UZ"], id="berkebangsaan"),
        pytest.param("Ada 39 orang China yang dideportasi.", ["CN"], id="orang-country"),
        pytest.param(
            "Seorang pengungsi asal Afghanistan melanggar jam malam.", ["AF"], id="refugee-asal"
        ),
        pytest.param(
            "Pelanggar terbanyak dari warga RRT dan Korsel.", ["CN", "KR"], id="abbreviations"
        ),
        pytest.param(
            "WNA Tiongkok dan Cina sama-sama dihitung.", ["CN"], id="one-code-per-country"
        ),
        pytest.param(
            "Sebelas WNA berkewarganegaraan Nigeria, RRT, Mesir dan Malaysia dideportasi.",
            ["CN", "EG", "MY", "NG"],
            id="list-after-cue",
        ),
        pytest.param(
            "Deportasi diberikan kepada 9 orang WNA berkewarganegaraan. Zambia, Lebanon, "
            "Singapura dan India.",
            ["IN", "LB", "SG", "ZM"],
            id="list-after-sentence-break",
        ),
        pytest.param(
            "Para WNA itu berasal dari berbagai negara. Di antaranya Ghana, Suriah, "
            "Rwanda hingga Uganda.",
            ["GH", "RW", "SY", "UG"],
            id="list-cued-by-previous-sentence",
        ),
        pytest.param(
            "WNA asal Afganistan, Banglades, dan Partai Gading ditahan di Rudenim.",
            ["AF", "BD", "CI"],
            id="misspellings",
        ),
        pytest.param(
            "Mereka terdiri dari Malaysia 16 orang dan Filipina 4 orang.",
            ["MY", "PH"],
            id="country-then-count",
        ),
        pytest.param(
            "Terbanyak dari Korea Selatan, Taiwan (masing-masing 4 orang), serta Belgia "
            "(masing-masing 1 orang).",
            ["BE", "KR", "TW"],
            id="bracketed-counts",
        ),
        pytest.param(
            "RRT menjadi negara yang warga negaranya paling banyak dikenai tindakan.",
            ["CN"],
            id="warga-negaranya-after",
        ),
        pytest.param(
            "Peringkat kedua ditempati WNA asal AS dengan 20 orang.",
            ["US"],
            id="abbreviation-with-cue",
        ),
        pytest.param(
            "Warga Korea Selatan, Jepang serta Amerika ditemukan melanggar izin tinggal.",
            ["JP", "KR", "US"],
            id="longest-name-wins",
        ),
        pytest.param("Warga negeri jiran itu ditangkap di Batam.", ["MY"], id="press-nickname"),
        pytest.param(
            "Tiga turis Timor Leste dan seorang turis Arab Saudi diperiksa.",
            ["SA", "TL"],
            id="two-word-names",
        ),
    ],
)
def test_nationalities_found(text, expected):
    assert codes(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        pytest.param(
            "Pesawat menuju New Delhi, India, lepas landas pukul 10.00.",
            id="destination-city-and-country",
        ),
        pytest.param(
            "WNA tersebut dipulangkan ke negaranya melalui Bandara Soekarno-Hatta.",
            id="ke-negaranya",
        ),
        pytest.param("WNA tersebut diterbangkan ke Malaysia dan Singapura.", id="destination-list"),
        pytest.param(
            "Pemohon paspor adalah Warga Negara Indonesia yang akan bekerja.", id="indonesia-never"
        ),
        pytest.param("Kursus bahasa Inggris dibuka untuk warga sekitar.", id="language"),
        pytest.param("Kedutaan Besar Nigeria menanggung tiket pulang.", id="embassy-only"),
        pytest.param(
            "Warga Serang dan warga Malang memadati kantor imigrasi.",
            id="fuzzy-does-not-invent-from-towns",
        ),
        pytest.param("Tersangka berinisial AS ditangkap di Medan.", id="initials-not-usa"),
        pytest.param("Kerja sama dengan Jepang dibahas di Jakarta.", id="country-as-partner"),
        pytest.param(
            "Indikasinya, banyak yang pergi ke Malaysia untuk bekerja.", id="destination-ke"
        ),
        # Indonesian workers sent home from abroad: the countries are places, not nationalities
        pytest.param(
            "Sebanyak 120 PMI dideportasi dari Malaysia, Singapura dan Brunei.",
            id="indonesians-deported-from",
        ),
        pytest.param(
            "Calon PMI yang hendak bekerja ke Arab Saudi dan Qatar ditunda.",
            id="indonesians-going-to",
        ),
        pytest.param("Ia baru pulang dari Jepang setelah bekerja tiga tahun.", id="returning-from"),
    ],
)
def test_not_nationalities(text):
    assert codes(text) == []


def test_count_name_and_evidence():
    text = "Pada Januari, petugas mengamankan 10 warga Malaysia. Mereka diperiksa."
    found = nlp.extract(text).nationalities
    assert len(found) == 1
    nat = found[0]
    assert (nat.code, nat.name, nat.count) == ("MY", "Malaysia", 10)
    assert text[nat.evidence.start : nat.evidence.end] == nat.evidence.sentence
    assert nat.evidence.sentence.startswith("Pada Januari")


def test_formal_count_before_country():
    found = nlp.extract("Sebanyak 2 (dua) orang WNA asal Tiongkok diamankan.").nationalities
    assert [(n.code, n.count) for n in found] == [("CN", 2)]


def test_total_before_a_list_is_not_a_country_count():
    text = "Imigrasi mendeportasi 11 WNA asal Nigeria, RRT dan Mesir."
    found = {n.code: n.count for n in nlp.extract(text).nationalities}
    assert found == {"NG": None, "CN": None, "EG": None}


def test_table_maps_news_spellings():
    names, abbreviations = country_table()
    assert names["tiongkok"] == "CN"
    assert names["pantai gading"] == "CI"
    assert names["timor leste"] == "TL"
    assert abbreviations["RRT"] == "CN"
    assert "indonesia" not in names


def test_a_broken_nationalities_table_is_one_line_from_the_cli(tmp_path, monkeypatch):
    """A named error with a docstring, turned into one line by `pantau nlp`."""
    from click.testing import CliRunner

    import nlp
    import nlp.nationalities as nat
    from pantau.cli import cli

    bad = tmp_path / "nationalities.csv"
    bad.write_text("iso2,names\nID,Indonesia\n", encoding="utf-8")
    monkeypatch.setattr(nat, "TABLE_PATH", bad)
    nat.country_table.cache_clear()
    nlp.load_pipeline.cache_clear()  # the pipeline reads the table when it is built
    try:
        with pytest.raises(nat.NationalitiesError):
            nat.country_table()
        result = CliRunner().invoke(cli, ["nlp"], input="Dua WNA asal India dideportasi.")
    finally:
        nat.country_table.cache_clear()
        nlp.load_pipeline.cache_clear()
    assert result.exit_code == 1, result.output
    assert result.output.count("\n") == 1 and "'ID' is not a foreign" in result.output
