"""Fixture: an immigration office's own site on a home-made CMS. No feed, no sitemap, no
robots.txt, no date markup: dates are written only in the page text, in Indonesian, and some
news is reachable only through the site's search form."""

from __future__ import annotations

import html

from sites.server import FixtureArticle, FixtureServer

NAME = "Kantor Imigrasi Mataram"

# (article, the date line as the page writes it)
NEWS = [
    (FixtureArticle(
        "/berita/baca/57/kanim-mataram-amankan-dua-wna-di-senggigi",
        "Kanim Mataram Amankan Dua WNA Pelanggar Izin Tinggal di Senggigi",
        "2023-03-14T10:30:00+08:00",
        [["Kantor Imigrasi Kelas I TPI Mataram mengamankan dua warga negara asing asal Eropa "
          "yang tinggal melebihi masa berlaku izin tinggalnya di kawasan wisata Senggigi.",
          "Keduanya didapati saat tim pengawasan orang asing memeriksa sejumlah penginapan di "
          "Kecamatan Batulayar. Seorang di antaranya telah melewati izin tinggal selama "
          "sembilan puluh hari.",
          "Kepala Kantor Imigrasi Mataram menyampaikan bahwa keduanya akan dikenai tindakan "
          "administratif keimigrasian berupa deportasi dan penangkalan.",
          "Masyarakat diimbau melaporkan keberadaan orang asing yang mencurigakan melalui "
          "layanan pengaduan kantor imigrasi."]]),
     "Selasa, 14 Maret 2023 | 10:30 WITA"),
    (FixtureArticle(
        "/berita/baca/61/pelayanan-paspor-akhir-tahun",
        "Pelayanan Paspor Akhir Tahun, Kanim Mataram Tambah Kuota Antrean",
        "2023-12-29",
        [["Menjelang libur akhir tahun, Kantor Imigrasi Mataram menambah kuota antrean "
          "permohonan paspor menjadi dua ratus pemohon per hari.",
          "Penambahan kuota dilakukan karena banyak warga Nusa Tenggara Barat yang hendak "
          "melaksanakan ibadah umrah dan berlibur ke luar negeri pada awal tahun.",
          "Pemohon tetap diwajibkan mengambil nomor antrean melalui aplikasi M-Paspor dan datang "
          "tiga puluh menit sebelum jadwal yang dipilih.",
          "Petugas juga membuka layanan prioritas bagi lansia, penyandang disabilitas, ibu hamil "
          "dan anak di bawah dua tahun."]]),
     "Jum'at, 29 Desember 2023"),
    (FixtureArticle(
        "/berita/baca/12/rapat-timpora-lombok-tengah",
        "Rapat Timpora Lombok Tengah Bahas Pengawasan Orang Asing di Mandalika",
        "2018-08-28T18:36:00+07:00",
        [["Tim Pengawasan Orang Asing Kabupaten Lombok Tengah menggelar rapat koordinasi "
          "menjelang balapan internasional di kawasan Mandalika.",
          "Rapat yang dipimpin Kantor Imigrasi Mataram itu dihadiri unsur kepolisian, TNI, "
          "dinas tenaga kerja dan pengelola kawasan ekonomi khusus.",
          "Peserta sepakat membentuk posko bersama untuk memantau kedatangan kru dan wisatawan "
          "mancanegara selama penyelenggaraan acara.",
          "Data orang asing yang menginap di hotel akan dilaporkan setiap hari melalui aplikasi "
          "pelaporan orang asing."]]),
     "28/8/2018 18:36 WIB"),
    (FixtureArticle(
        "/berita/baca/33/imigrasi-mataram-periksa-kapal-pesiar",
        "Imigrasi Mataram Periksa Dokumen Penumpang Kapal Pesiar di Lembar",
        "2023-01-26",
        [["MATARAM – Petugas Kantor Imigrasi Mataram memeriksa dokumen perjalanan lebih dari "
          "seribu penumpang dan awak kapal pesiar yang bersandar di Pelabuhan Lembar pada "
          "Kamis (26/01) pagi.",
          "Pemeriksaan dilakukan di atas kapal sebelum penumpang turun untuk berwisata ke "
          "Lombok Barat dan Kota Mataram.",
          "Seluruh penumpang tercatat memiliki paspor dan visa yang sah. Petugas menerbitkan "
          "izin turun sementara selama kapal bersandar.",
          "Kapal melanjutkan pelayaran ke Pulau Komodo pada malam harinya."]]),
     None),  # only in the dateline: weekday, day and month, no year
]
ARTICLES = [a for a, _ in NEWS]
# The search-only article: older news the listing no longer shows.
SEARCH_ONLY = ARTICLES[3]
LISTED = ARTICLES[:3]


def _page(title: str, content: str) -> str:
    e = html.escape
    sidebar = "".join(f'<li><a href="{a.path}">{e(a.title)}</a></li>' for a in LISTED)
    return f"""<html><head>
<meta http-equiv="Content-Type" content="text/html; charset=utf-8">
<title>{e(title)} | Kantor Imigrasi Kelas I TPI Mataram</title></head>
<body><div id="wrapper"><div class="logo">KANTOR IMIGRASI KELAS I TPI MATARAM</div>
<div class="menu"><a href="/">Beranda</a> | <a href="/profil">Profil</a> |
<a href="/berita">Berita</a> | <a href="/layanan">Layanan</a></div>
<form action="/pencarian" method="get" class="cari"><input type="text" name="kata">
<input type="submit" value="Cari"></form>
<table width="100%"><tr><td valign="top" class="isi">{content}</td>
<td valign="top" width="30%" class="sidebar"><b>Berita Lainnya</b><ul>{sidebar}</ul></td>
</tr></table>
<div class="footer">Jl. Udayana No. 2, Mataram. Telp (0370) 000000. Hak Cipta 2023.</div>
</div></body></html>"""


def _article(a: FixtureArticle, dateline: str | None) -> str:
    e = html.escape
    info = (f'<div class="info">Diposting oleh Admin Humas, {e(dateline)}</div>'
            if dateline else '<div class="info">Diposting oleh Admin Humas</div>')
    paras = "".join(f"<p>{e(p)}</p>" for p in a.pages[0])
    return _page(a.title, f'<h1 class="judul">{e(a.title)}</h1>{info}'
                          f'<div class="isi-berita">{paras}</div>'
                          '<div class="bagikan">Bagikan: <a href="#">Facebook</a></div>')


def _listing(items: list[FixtureArticle], next_url: str | None) -> str:
    e = html.escape
    rows = "".join(f'<div class="daftar"><a href="{a.path}"><b>{e(a.title)}</b></a>'
                   f"<p>{e(a.pages[0][0][:90])}...</p></div>" for a in items)
    nav = f'<div class="nav"><a href="{next_url}">Selanjutnya &raquo;</a></div>' if next_url else ""
    return _page("Berita", rows + nav)


def build() -> FixtureServer:
    site = FixtureServer(NAME)
    site.articles = ARTICLES
    for a, dateline in NEWS:
        site.add(a.path, _article(a, dateline))
    site.add("/", _page("Beranda", "<h2>Selamat datang</h2><p>Melayani dengan sepenuh hati.</p>"
                                   '<a href="/berita">Berita terbaru</a>'))
    site.add("/berita", _listing(LISTED[:2], "/berita?page=2"))
    site.add("/berita?page=2", _listing(LISTED[2:], None))
    site.add("/pencarian?kata=imigrasi", _listing(ARTICLES, None))
    return site
