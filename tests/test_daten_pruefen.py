"""One test per validation rule: small broken copies of tests/daten/mini.

Each asserts that the problem names file, row (Excel numbering, header = 1),
column and value, and says how to fix it.
"""

from __future__ import annotations

import datetime

from daten.fixtur import ersetze, fehler, finde, kopie, schreibe, xlsx

BEV = "bestand/bevoelkerung.csv"
SGB = "bestand/sgb2_hze.csv"


# --- bestand: values and keys ----------------------------------------------------------------

def test_unbekannter_stadtteil_mit_vorschlag(tmp_path):
    d = kopie(tmp_path)
    ersetze(d / BEV, "Nordviertel;2018;bev;1000", "Nordvirtel;2018;bev;1000")
    err = fehler(d)
    (p,) = finde(err, datei=BEV, zeile=5, spalte="stadtteil", wert="Nordvirtel", text="Unbekannter Stadtteil")
    assert "Meinten Sie „Nordviertel“?" in p.hinweis


def test_stadtteil_wird_nach_trimmen_und_per_schluessel_erkannt(tmp_path):
    d = kopie(tmp_path)
    ersetze(d / BEV, "Nordviertel;2018;bev;1000", "  Nordviertel\u00a0 ;2018;bev;1000")
    ersetze(d / SGB, "01;2018;sgb2_kinder;40", "1;2018;sgb2_kinder;40")  # Excel drops the leading zero
    from helpers.daten import laden

    b = laden(d).bestand
    assert ((b["stadtteil"] == "Nordviertel") & (b["jahr"] == 2018) & (b["merkmal"] == "sgb2_kinder")).sum() == 1


def test_unbekannter_stadtteil_in_vielen_zeilen_einmal_gemeldet(tmp_path):
    d = kopie(tmp_path)
    text = (d / BEV).read_text(encoding="utf-8").replace("Südfeld", "Sued")
    schreibe(d / BEV, text)
    err = fehler(d)
    (p,) = finde(err, datei=BEV, spalte="stadtteil", wert="Sued")
    assert p.zeile == 4 and "betrifft 6 Zeilen: 4, 7, 10, 13, 16, 19" in p.meldung
    assert "Südfeld" in p.hinweis


def test_zeile_fuer_die_gesamtstadt_im_langen_format(tmp_path):
    d = kopie(tmp_path)
    ersetze(d / BEV, "Südfeld;2018;bev;600;Melderegister\n",
            "Südfeld;2018;bev;600;Melderegister\nGesamtstadt;2018;bev;2000;Melderegister\n")
    (p,) = finde(fehler(d), datei=BEV, zeile=8, spalte="stadtteil", wert="Gesamtstadt", text="Unbekannter Stadtteil")
    assert "aus den Stadtteilen berechnet" in p.hinweis


def test_unbekanntes_merkmal_mit_vorschlag(tmp_path):
    d = kopie(tmp_path)
    ersetze(d / SGB, "03;2018;hze_faelle;4", "03;2018;hze_fälle;4")
    err = fehler(d)
    (p,) = finde(err, datei=SGB, zeile=13, spalte="merkmal", wert="hze_fälle", text="Unbekanntes Merkmal")
    assert "Meinten Sie „hze_faelle“?" in p.hinweis
    # the row is also missing for completeness – reported, not hidden
    finde(err, text="fehlen Stadtteile: Südfeld")


def test_doppelter_schluessel_nennt_beide_zeilen(tmp_path):
    d = kopie(tmp_path)
    # same district via schluessel in another file
    schreibe(d / "bestand/nachtrag.csv", "stadtteil;jahr;merkmal;wert\n02;2018;bev;401\n")
    err = fehler(d)
    (p,) = finde(err, datei="bestand/nachtrag.csv", zeile=2, spalte="wert", wert="401", text="Doppelter Eintrag")
    assert "Östrich, 2018" in p.meldung and "bestand/bevoelkerung.csv, Zeile 6" in p.meldung
    assert "löschen" in p.hinweis


def test_doppelter_schluessel_in_derselben_datei(tmp_path):
    d = kopie(tmp_path)
    ersetze(d / SGB, "03;2018;hze_faelle;4", "03;2018;hze_faelle;4\n03;2018;hze_faelle;4")
    err = fehler(d)
    (p,) = finde(err, datei=SGB, zeile=14, text="Doppelter Eintrag")
    assert "bereits in Zeile 13" in p.meldung


def test_fehlende_spalte_mit_vorschlag(tmp_path):
    d = kopie(tmp_path)
    ersetze(d / SGB, "stadtteil;jahr;merkmal;wert", "stadtteil;jahr;merkmal;werte")
    err = fehler(d)
    (p,) = finde(err, datei=SGB, zeile=1, spalte="wert", text="Die Spalte „wert“ fehlt")
    assert "„werte“" in p.hinweis


def test_kopfzeilen_ohne_gross_klein_und_leerzeichen(tmp_path):
    d = kopie(tmp_path)
    ersetze(d / SGB, "stadtteil;jahr;merkmal;wert", " Stadtteil ;Jahr;MERKMAL;Wert")
    from helpers.daten import laden

    assert len(laden(d).bestand) == 18 + 12 + 6


def test_keine_zahl(tmp_path):
    d = kopie(tmp_path)
    ersetze(d / BEV, "Östrich;2018;kinder;50", "Östrich;2018;kinder;abc")
    err = fehler(d)
    (p,) = finde(err, datei=BEV, zeile=12, spalte="wert", wert="abc", text="keine Zahl")
    assert "12,5" in p.hinweis


def test_leerer_wert(tmp_path):
    d = kopie(tmp_path)
    ersetze(d / BEV, "Östrich;2018;kinder;50", "Östrich;2018;kinder;")
    finde(fehler(d), datei=BEV, zeile=12, spalte="wert", wert="", text="Der Wert fehlt")


def test_negative_anzahl(tmp_path):
    d = kopie(tmp_path)
    ersetze(d / SGB, "01;2018;hze_faelle;5", "01;2018;hze_faelle;-5")
    (p,) = finde(fehler(d), datei=SGB, zeile=11, spalte="wert", wert="-5", text="Negative Anzahl")
    assert "hze_faelle" in p.meldung


def test_anzahl_muss_ganzzahlig_sein(tmp_path):
    d = kopie(tmp_path)
    ersetze(d / SGB, "01;2018;hze_faelle;5", "01;2018;hze_faelle;5,5")
    finde(fehler(d), datei=SGB, zeile=11, spalte="wert", wert="5,5", text="keine ganze Zahl")


def test_betrag_darf_nachkommastellen_haben():
    # mini has wohnflaeche 27000,5 – loading succeeds (see test_daten_laden)
    from daten.fixtur import MINI

    assert "27000,5" in (MINI / BEV).read_text(encoding="utf-8")


def test_zaehler_groesser_nenner(tmp_path):
    d = kopie(tmp_path)
    ersetze(d / SGB, "01;2018;sgb2_kinder;40", "01;2018;sgb2_kinder;240")
    (p,) = finde(fehler(d), datei=SGB, zeile=5, spalte="wert", wert="240", text="Zähler größer als Nenner")
    assert "„kinder“ (200, bestand/bevoelkerung.csv, Zeile 11)" in p.meldung
    assert "Nordviertel 2018" in p.meldung and "sgb2_quote_kinder" in p.meldung
    assert "zaehler_kann_nenner_uebersteigen" in p.hinweis


def test_zaehler_groesser_nenner_erlaubt_wenn_im_katalog_freigegeben(tmp_path):
    d = kopie(tmp_path)
    # hze_je_1000 sets zaehler_kann_nenner_uebersteigen: more cases than children is possible
    ersetze(d / SGB, "01;2018;hze_faelle;5", "01;2018;hze_faelle;500")
    from helpers.daten import laden

    t = laden(d).indikatoren
    w = t[(t.indikator == "hze_je_1000") & (t.stadtteil == "Nordviertel") & (t.jahr == 2018)]["wert"].item()
    assert w == 2500


def test_stadtteil_fehlt_fuer_merkmal(tmp_path):
    d = kopie(tmp_path)
    ersetze(d / BEV, "Östrich;2017;kinder;55;Melderegister\n", "")
    (p,) = finde(fehler(d), datei=BEV, spalte="stadtteil", text="„kinder“ im Jahr 2017 fehlen Stadtteile: Östrich")
    assert "mit 0" in p.hinweis


def test_berichtsjahr_fehlt_fuer_merkmal(tmp_path):
    d = kopie(tmp_path)
    text = "\n".join(z for z in (d / SGB).read_text(encoding="utf-8").splitlines()
                     if not z.endswith(("2018;hze_faelle;5", "2018;hze_faelle;0", "2018;hze_faelle;4")))
    schreibe(d / SGB, text + "\n")
    (p,) = finde(fehler(d), datei=SGB, spalte="jahr", wert="2018", text="fehlt das Berichtsjahr 2018")
    assert "hze_faelle" in p.meldung and "2017" in p.meldung and "jaehrlich: false" in p.hinweis


def test_nicht_jaehrliches_merkmal_braucht_kein_berichtsjahr():
    from daten.fixtur import MINI

    from helpers.daten import laden

    t = laden(MINI).indikatoren
    assert set(t.loc[t.indikator == "wahlbeteiligung", "jahr"]) == {2017}


def test_merkmal_fehlt_ganz(tmp_path):
    d = kopie(tmp_path)
    (d / "bestand/wahl.csv").unlink()
    err = fehler(d)
    (p,) = finde(err, spalte="merkmal", wert="waehler", text="fehlt in allen Dateien")
    assert "wahlbeteiligung" in p.meldung and "eigenes" in p.hinweis
    finde(err, wert="wahlberechtigte")


def test_unplausibles_jahr(tmp_path):
    d = kopie(tmp_path)
    ersetze(d / SGB, "01;2017;hze_faelle;6", "01;1899;hze_faelle;6")
    ersetze(d / SGB, "02;2017;hze_faelle;1", "02;2999;hze_faelle;1")
    err = fehler(d)
    bis = datetime.date.today().year
    finde(err, datei=SGB, zeile=8, spalte="jahr", wert="1899", text=f"Unplausibles Jahr (erlaubt: 1990 bis {bis})")
    finde(err, datei=SGB, zeile=9, spalte="jahr", wert="2999", text="Unplausibles Jahr")


def test_jahre_nach_dem_berichtsjahr_sind_erlaubt(tmp_path):
    # The monitoring and the Wirkungsziele follow the years after the Stichtag.
    d = kopie(tmp_path)
    ersetze(d / SGB, "02;2017;hze_faelle;1", "02;2019;hze_faelle;1")
    err = fehler(d)  # the moved row leaves districts incomplete, but the year itself is fine
    assert not [p for p in err.probleme if p.spalte == "jahr"]
    assert any("2019 fehlen Stadtteile" in p.meldung for p in err.probleme)


def test_jahr_keine_ganze_zahl(tmp_path):
    d = kopie(tmp_path)
    ersetze(d / SGB, "03;2017;hze_faelle;3", "03;2017,5;hze_faelle;3")
    ersetze(d / SGB, "01;2018;hze_faelle;5", "01;18;hze_faelle;5")
    err = fehler(d)
    finde(err, datei=SGB, zeile=10, spalte="jahr", wert="2017,5", text="keine vierstellige ganze Zahl")
    finde(err, datei=SGB, zeile=11, spalte="jahr", wert="18", text="keine vierstellige ganze Zahl")


def test_mehrdeutige_zahl(tmp_path):
    d = kopie(tmp_path)
    # "12,5"-style and "12.5"-style decimals in one file: "1.000" could be 1000 or 1.0
    ersetze(d / BEV, "Südfeld;2018;wohnflaeche;27000,5", "Südfeld;2018;wohnflaeche;27000.5")
    ersetze(d / BEV, "Nordviertel;2018;wohnflaeche;45000", "Nordviertel;2018;wohnflaeche;45,25")
    ersetze(d / BEV, "Nordviertel;2018;bev;1000", "Nordviertel;2018;bev;1.000")
    (p,) = finde(fehler(d), datei=BEV, zeile=5, spalte="wert", wert="1.000", text="mehrdeutig")
    assert "Tausendertrennzeichen" in p.hinweis


# --- stadtteile.csv ---------------------------------------------------------------------------

def test_doppelte_stadtteile(tmp_path):
    d = kopie(tmp_path)
    schreibe(d / "stadtteile.csv",
             "schluessel;name;flaeche_km2\n01;Nordviertel;2,5\n02;Östrich;10\n03;Südfeld;4\n02;Neu;1\n04;Südfeld;1\n")
    err = fehler(d)
    (p,) = finde(err, datei="stadtteile.csv", zeile=5, spalte="schluessel", wert="02", text="doppelt")
    assert "auch in Zeile 3" in p.meldung
    finde(err, datei="stadtteile.csv", zeile=6, spalte="name", wert="Südfeld", text="auch in Zeile 4")


def test_stadtteile_ohne_namensspalte(tmp_path):
    d = kopie(tmp_path)
    schreibe(d / "stadtteile.csv", "schluessel;bezeichnung\n01;Nordviertel\n")
    finde(fehler(d), datei="stadtteile.csv", zeile=1, spalte="name", text="Die Spalte „name“ fehlt")


def test_stadtteil_gesamtstadt_ist_reserviert(tmp_path):
    d = kopie(tmp_path)
    ersetze(d / "stadtteile.csv", "03;Südfeld;4", "03;Südfeld;4\n99;Gesamtstadt;20")
    finde(fehler(d), datei="stadtteile.csv", zeile=5, spalte="name", wert="Gesamtstadt", text="reserviert")


# --- unreadable files ---------------------------------------------------------------------------

def test_leere_datei(tmp_path):
    d = kopie(tmp_path)
    schreibe(d / "bestand/leer.csv", "")
    finde(fehler(d), datei="bestand/leer.csv", text="Die Datei ist leer")


def test_nur_kopfzeile(tmp_path):
    d = kopie(tmp_path)
    schreibe(d / "bestand/kopf.csv", "stadtteil;jahr;merkmal;wert\n")
    finde(fehler(d), datei="bestand/kopf.csv", text="keine Datenzeilen")


def test_csv_ohne_kopfzeile(tmp_path):
    d = kopie(tmp_path)
    schreibe(d / "bestand/ohne.csv", "Nordviertel;2016;bev;980\nÖstrich;2016;bev;415\n")
    (p,) = finde(fehler(d), datei="bestand/ohne.csv", zeile=1, text="Keine Kopfzeile erkannt")
    assert p.wert.startswith("Nordviertel; 2016; bev")


def test_defekte_xlsx(tmp_path):
    d = kopie(tmp_path)
    (d / "bestand/kaputt.xlsx").write_bytes(b"PK\x03\x04 das ist kein Excel")
    (p,) = finde(fehler(d), datei="bestand/kaputt.xlsx", text="beschädigt")
    assert "erneut" in p.hinweis


def test_xlsx_ohne_kopfzeile(tmp_path):
    d = kopie(tmp_path)
    xlsx(d / "bestand/leer.xlsx", [[None, None]])
    finde(fehler(d), datei="bestand/leer.xlsx", zeile=1, text="keine Kopfzeile")


def test_xlsx_mit_zweitem_datenblatt(tmp_path):
    import openpyxl

    d = kopie(tmp_path)
    wb = openpyxl.Workbook()
    wb.active.append(["stadtteil", "jahr", "merkmal", "wert"])
    wb.active.append(["Nordviertel", 2016, "bev", 980])
    wb.create_sheet("2015").append(["stadtteil", "jahr", "merkmal", "wert"])
    wb.save(d / "bestand/zwei.xlsx")
    finde(fehler(d), datei="bestand/zwei.xlsx", text="Tabellenblatt „2015“")


def test_zeile_mit_zu_vielen_feldern(tmp_path):
    d = kopie(tmp_path)
    ersetze(d / SGB, "02;2018;hze_faelle;0", "02;2018;hze_faelle;0;x")
    (p,) = finde(fehler(d), datei=SGB, zeile=12, text="mehr Felder als die Kopfzeile")
    assert "Anführungszeichen" in p.hinweis


def test_unbekannte_kodierung(tmp_path):
    d = kopie(tmp_path)
    (d / "bestand/kodierung.csv").write_bytes(b"stadtteil;jahr;merkmal;wert\n\x81\x8d;2018;bev;1\n")
    finde(fehler(d), datei="bestand/kodierung.csv", text="Zeichenkodierung nicht erkannt")


def test_xls_wird_nicht_stillschweigend_ignoriert(tmp_path):
    d = kopie(tmp_path)
    (d / "bestand/alt.xls").write_bytes(b"\xd0\xcf\x11\xe0")
    (d / "bestand/LIESMICH.md").write_text("Hinweise", encoding="utf-8")  # ignored
    err = fehler(d)
    finde(err, datei="bestand/alt.xls", text="„.xls“ wird nicht gelesen")
    assert len(err.probleme) == 1


def test_ordner_bestand_fehlt(tmp_path):
    d = kopie(tmp_path)
    for p in (d / "bestand").iterdir():
        p.unlink()
    finde(fehler(d), datei="bestand/", text="keine .csv- oder .xlsx-Dateien")


def test_datenordner_fehlt(tmp_path):
    finde(fehler(tmp_path / "gibtsnicht"), text="Der Datenordner existiert nicht")


# --- bericht.yml ------------------------------------------------------------------------------

def test_bericht_fehlende_schluessel_und_falsche_typen(tmp_path):
    d = kopie(tmp_path)
    schreibe(d / "bericht.yml", "stadt: Teststadt\nberichtsjahr: '2018'\ngeheimhaltung:\n  mindestfalzahl: 3\n"
                                "beispieldaten: ja\n")
    err = fehler(d)
    finde(err, datei="bericht.yml", zeile=2, spalte="berichtsjahr", wert="2018", text="ganze Jahreszahl")
    finde(err, datei="bericht.yml", zeile=5, spalte="beispieldaten", wert="ja", text="true oder false")
    finde(err, datei="bericht.yml", spalte="quelle", text="fehlt")
    finde(err, datei="bericht.yml", zeile=3, spalte="geheimhaltung.mindestfallzahl", text="fehlt")
    (p,) = finde(err, datei="bericht.yml", zeile=4, spalte="geheimhaltung.mindestfalzahl", text="Unbekannter")
    assert "mindestfallzahl" in p.hinweis


def test_bericht_mindestnenner_standard(tmp_path):
    d = kopie(tmp_path)
    ersetze(d / "bericht.yml", "  mindestnenner: 100\n", "")
    from helpers.daten import laden

    assert laden(d).bericht.mindestnenner == 100


def test_bericht_kaputtes_yaml(tmp_path):
    d = kopie(tmp_path)
    schreibe(d / "bericht.yml", "stadt: Teststadt\nberichtsjahr: [2018\n")
    finde(fehler(d), datei="bericht.yml", text="Ungültiges YAML")


def test_bericht_fehlt(tmp_path):
    d = kopie(tmp_path)
    (d / "bericht.yml").unlink()
    finde(fehler(d), datei="bericht.yml", text="fehlt im Datenordner")


# --- catalog --------------------------------------------------------------------------------------

def test_katalog_fehler(tmp_path):
    d = kopie(tmp_path)
    k = d / "indikatoren.yml"
    ersetze(k, "    zaehler: waehler\n", "    zaehler: waehlerinnen\n")
    ersetze(k, "  - id: hze_je_1000\n", "  - id: anteil_kinder\n")
    ersetze(k, "    handlungsfeld: 7\n", "    handlungsfeld: 10\n")
    ersetze(k, "    richtung: belastung\n", "    richtung: hoch\n")
    ersetze(k, "    art: betrag\n", "    art: summe\n")
    err = fehler(d)
    zeilen = k.read_text(encoding="utf-8").splitlines()

    def zeile(text, ab=0):
        return next(i for i, z in enumerate(zeilen, 1) if i > ab and z == text)

    (p,) = finde(err, datei="indikatoren.yml", zeile=zeile("    zaehler: waehlerinnen"), spalte="zaehler",
                 wert="waehlerinnen", text="unbekannte Merkmal")
    assert "Meinten Sie „waehler“?" in p.hinweis
    (p,) = finde(err, datei="indikatoren.yml", spalte="id", wert="anteil_kinder", text="doppelt")
    assert p.zeile == zeile("  - id: anteil_kinder", zeile("  - id: anteil_kinder"))
    finde(err, datei="indikatoren.yml", zeile=zeile("    handlungsfeld: 10"), spalte="handlungsfeld", wert="10",
          text="1 bis 9")
    finde(err, datei="indikatoren.yml", zeile=zeile("    richtung: hoch"), spalte="richtung", wert="hoch",
          text="belastung, vorteil oder neutral")
    finde(err, datei="indikatoren.yml", zeile=zeile("    art: summe"), spalte="art", wert="summe")


def test_katalog_handlungsfeld_nicht_aufgefuehrt_und_pflichtfeld(tmp_path):
    d = kopie(tmp_path)
    k = d / "indikatoren.yml"
    ersetze(k, "    handlungsfeld: 7\n", "    handlungsfeld: 8\n")
    ersetze(k, "    definition: Wähler je 100 Wahlberechtigte.\n", "")
    err = fehler(d)
    finde(err, datei="indikatoren.yml", spalte="handlungsfeld", wert="8", text="nicht aufgeführt")
    finde(err, datei="indikatoren.yml", spalte="definition", text="„wahlbeteiligung“ unter „indikatoren“ fehlt")


def test_katalog_tippfehler_im_schluessel(tmp_path):
    d = kopie(tmp_path)
    ersetze(d / "indikatoren.yml", "    zaehler_kann_nenner_uebersteigen: true\n",
            "    zaehler_kann_nenner_ubersteigen: true\n")
    (p,) = finde(fehler(d), datei="indikatoren.yml", spalte="zaehler_kann_nenner_ubersteigen",
                 text="Unbekannter Schlüssel")
    assert "Meinten Sie „zaehler_kann_nenner_uebersteigen“?" in p.hinweis


def test_katalog_aus_repository_wenn_ordner_keinen_hat(tmp_path, monkeypatch):
    from helpers.daten.ordner import katalog_pfad

    d = kopie(tmp_path)
    assert katalog_pfad(d) == d / "indikatoren.yml"
    (d / "indikatoren.yml").unlink()
    monkeypatch.setenv("SOZIALBERICHT_ROOT", str(tmp_path / "repo"))
    assert katalog_pfad(d) == tmp_path / "repo" / "data" / "indikatoren.yml"


# --- everything at once -------------------------------------------------------------------------

def test_mehrere_probleme_in_einem_bericht(tmp_path):
    d = kopie(tmp_path)
    ersetze(d / BEV, "Nordviertel;2018;bev;1000", "Nordvirtel;2018;bev;1000")
    ersetze(d / BEV, "Östrich;2018;kinder;50", "Östrich;2018;kinder;abc")
    ersetze(d / SGB, "01;2018;hze_faelle;5", "01;2018;hze_faelle;-5")
    ersetze(d / "bericht.yml", "beispieldaten: true", "beispieldaten: vielleicht")
    ersetze(d / "indikatoren.yml", "    richtung: belastung\n", "    richtung: hoch\n")
    err = fehler(d)
    dateien = {p.datei for p in err.probleme}
    assert {BEV, SGB, "bericht.yml", "indikatoren.yml"} <= dateien
    text = str(err)
    assert text.startswith("Die Eingabedaten im Datenordner")
    assert f"enthalten {len(err.probleme)} Probleme" in text
    assert f"{BEV} – " in text and f"{SGB} – 1 Problem:" in text
    assert "Zeile 5, Spalte „stadtteil“, Wert „Nordvirtel“: Unbekannter Stadtteil." in text
    assert "Zeile 12, Spalte „wert“, Wert „abc“" in text
    # grouped by file: all problems of one file follow its heading
    assert text.index(f"{BEV} – ") < text.index("Nordvirtel") < text.index(f"{SGB} – ")


def test_xlsx_zeilennummern_wie_in_excel(tmp_path):
    d = kopie(tmp_path)
    xlsx(d / "bestand/extra.xlsx", [["stadtteil", "jahr", "merkmal", "wert"],
                                     [None, None, None, None],
                                     ["Nordviertel", 2016, "bev", "viele"]])
    finde(fehler(d), datei="bestand/extra.xlsx", zeile=3, spalte="wert", wert="viele", text="keine Zahl")
