"""Synthetische, kalibrierte Beispieldaten für den Sozialbericht (Demo-Datensatz).

Aufruf::

    python -m helpers.beispieldaten                       # Dorsten, 11 Stadtteile → data/bestand/
    python -m helpers.beispieldaten --ziel DIR --seed 7
    python -m helpers.beispieldaten --stadt Beispielstadt --stadtteile 4 --von 2015 --bis 2020 \\
        --ziel tests/daten/zweitstadt
    python -m helpers.beispieldaten --stadt Großstadt --stadtteile 150 --ziel /tmp/grossstadt  # 2 … 200
    python -m helpers.beispieldaten --kalibrierung        # Kalibrierungstabelle (Markdown)

Alle Werte sind SYNTHETISCH. Sie sind an öffentlich belegte Eckwerte zu Dorsten
angepasst (Tabelle ``KALIBRIERUNG`` unten, jede Zahl mit Quelle), die Verteilung auf
die Stadtteile ist aber modelliert. Kein Wert ist eine amtliche Angabe.

Modell in Kürze
---------------
1. Einwohnerzahl je Stadtteil: belegte Stadtteilwerte (``BEVOELKERUNG_STADTTEILE``)
   werden zwischen den Stichtagen linear verbunden; Jahre ohne Beleg werden mit einem
   gemeinsamen Faktor so skaliert, dass die belegten Stadtsummen
   (``BEVOELKERUNG_STADT``) exakt getroffen werden.
2. Altersgruppen: die Stadtsummen folgen den Ankern; je Stadtteil verschieben
   Profilfaktoren (Kinder, Senioren, Hochbetagte) die Anteile; iterative proportionale
   Anpassung (IPF) und eine Multinomialziehung liefern ganze Zahlen, die zeilen- und
   spaltenweise exakt aufgehen.
3. Jedes weitere Merkmal: Stadtsumme = Quote(Jahr) × Bezugsgröße der Stadt, die Quote
   wird zwischen den Ankern linear interpoliert (Jahre ohne Anker mit kleinem
   Zufallsrauschen). Die Stadtsumme wird multinomial auf die Stadtteile verteilt, mit
   Gewichten Bezugsgröße × exp(η). η enthält die latenten Stadtteilprofile
   (Benachteiligung, ländliche Lage, Zentralität), einen dauerhaften Stadtteileffekt,
   einen Stadtteiltrend und AR(1)-Jahresrauschen (``MODELLE``). Teilmengen werden durch
   Obergrenzen eingehalten (z. B. Langzeitarbeitslose ≤ Arbeitslose).
4. Wanderungen schließen die Bevölkerungsbilanz: Zuzüge − Fortzüge = Δ Einwohner −
   (Geburten − Sterbefälle), je Stadtteil und damit auch für die Stadt.
5. Wahlen: Werte nur in Wahljahren (``jahr`` = Jahr der Wahl).

Für eine andere Stadt (``--stadt``) werden Stadtteilprofile zufällig gezogen; die
Quoten stammen aus einem Referenzlauf für Dorsten mit demselben Seed.

Dieselbe Saat ergibt byte-identische Dateien (``numpy.random.default_rng``; jede
Merkmalsreihe hat einen eigenen, aus Saat und Name abgeleiteten Zufallsstrom).
"""

from __future__ import annotations

import argparse
import csv
import io
import math
import sys
import zlib
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

STANDARD_SEED = 2020
JAHRE = (2014, 2023)  # erstes und letztes Jahr des Demo-Datensatzes (Stichtag 31.12.)

# =====================================================================================
# 1. KALIBRIERUNG – öffentlich belegte Zahlen (mit Quelle) und gekennzeichnete Annahmen
# =====================================================================================
# Quellen (Kurzname → Quelle). Alle Angaben aus /work/shared/reference/dorsten-facts.md.
# Verwendet werden nur Zahlen, deren Urheber eine amtliche Stelle, die Stadt oder eine
# wissenschaftliche Veröffentlichung ist; die meisten davon liegen nur in Presseberichten vor,
# die sie wiedergeben (die Fundstelle). Wikipedia, Kopien von Wikipedia-Artikeln, private
# Wikis und Lexika sind keine Belege und werden nicht verwendet.


@dataclass(frozen=True)
class Quelle:
    """Where a calibration figure comes from: who produced it and where it was published."""

    urheber: str      # the body that produced the figure (primary source)
    fundstelle: str   # where it can be read (address)


QUELLEN: dict[str, Quelle] = {
    "rn_sb2025": Quelle("Stadt Dorsten, Zweiter Sozialbericht (Stichtag 31.12.2023)",
                        "https://old.ruhrnachrichten.de/dorsten/zweiter-sozialbericht-fuer-dorsten-benachteiligung-in-stadtteilen-plus-2131466.html"),
    "dorsten_live_2025": Quelle("Stadt Dorsten, Zweiter Sozialbericht (Stichtag 31.12.2023)",
                                "https://www.dorsten.live/stadtteile/dorsten/sozialbericht-dorsten-liegt-vor/"),
    "do_online_2025": Quelle("Stadt Dorsten, Zweiter Sozialbericht (Stichtag 31.12.2023)",
                             "https://dorsten-online.de/ungleiche-chancen-fuer-dorstens-kinder-sozialbericht-deckt-defizite-auf/"),
    "hz_2016": Quelle("Stadt Dorsten, Einwohnermelderegister",
                      "https://www.halternerzeitung.de/dorsten/fluechtlinge-sorgen-fuer-bevoelkerungszuwachs-173576.html"),
    "meindorsten_2013": Quelle("Stadt Dorsten, Planungsamt (Einwohnermelderegister)",
                               "http://www.meindorsten.de/news_2013-07-21_Dorsten-weniger-einwohner.php"),
    "rn_alo_2018": Quelle("Bundesagentur für Arbeit, Arbeitsmarktstatistik",
                          "https://old.ruhrnachrichten.de/dorsten/die-arbeitslosenquote-lag-im-dezember-2018-in-dorsten-bei-67-prozent-1362595.html"),
    "rn_alo_2020": Quelle("Bundesagentur für Arbeit, Arbeitsmarktstatistik",
                          "https://www.ruhrnachrichten.de/dorsten/die-lage-auf-dem-arbeitsmarkt-1534405.html"),
    "rn_armut_2024": Quelle("Helbig (2023), WZB, nach der Statistik der Bundesagentur für Arbeit",
                            "https://old.ruhrnachrichten.de/dorsten/armut-in-deutschland-dorstener-sind-aermer-als-der-durchschnitt-plus-1943638.html?StoryId=1943952"),
    "rn_kita_2018": Quelle("Stadt Dorsten, Jugendamt (Kindertagesstättenbedarfsplan)",
                           "https://old.ruhrnachrichten.de/dorsten/kitaplaetze-fuer-unter-und-ueber-dreijaehrige-muessen-in-fuenf-ortsteilen-ausgebaut-werden-plus-1323577.html"),
    "mz_kita_2020": Quelle("Stadt Dorsten, Jugendamt (Kita-Bedarfsplanung)",
                           "https://www.muensterlandzeitung.de/dorsten/mehr-kinder-unter-drei-jahren-brauchen-in-dorsten-einen-kita-platz-plus-1524926.html"),
    "mz_kita_2022": Quelle("Stadt Dorsten, Jugendamt (Kita-Bedarfsplanung)",
                           "https://www.muensterlandzeitung.de/dorsten/fuer-die-kita-bedarfsplanung-blickt-die-stadt-dorsten-schon-bis-2026-w1641724-p-9000154421/"),
    "hz_kita_2019": Quelle("Stadt Dorsten, Jugendamt",
                           "https://www.halternerzeitung.de/dorsten/dorsten-hat-noch-zu-wenig-kinderbetreuungsplaetze-kitas-werden-ausgebaut-oder-ueberbelegt-plus-1412307.html"),
    "mz_ogs_2011": Quelle("Stadt Dorsten, Schulverwaltung",
                          "https://www.muensterlandzeitung.de/dorsten/in-den-grundschulen-steigt-der-bedarf-an-ogs-plaetzen-760766.html"),
    "mz_delfin_2011": Quelle("Stadt Dorsten (Sprachstandsfeststellung Delfin 4)",
                             "https://www.muensterlandzeitung.de/dorsten/feldmark-hat-foerderbeduerftige-kinder-710079.html"),
    "rn_seu_kreis": Quelle("Kreis Recklinghausen, Gesundheitsamt (Schuleingangsuntersuchung)",
                           "https://www.ruhrnachrichten.de/haltern/halterns-erstklaessler-sind-gesuender-als-der-durchschnitt-plus-1328848.html"),
    "dz_uebergang_2019": Quelle("Stadt Dorsten, Schulverwaltung",
                                "https://www.dorstenerzeitung.de/dorsten/108-grundschueler-wechseln-nicht-in-ihrer-heimat-dorsten-auf-die-weiterfuehrende-schule-plus-1389621.html"),
    "rn_uebergang_2020": Quelle("Stadt Dorsten, Schulverwaltung",
                                "https://old.ruhrnachrichten.de/dorsten/schulanmeldungen-587-kinder-besuchen-weiterfuehrende-schulen-plus-1502584.html"),
    "mz_hze_2020": Quelle("Stadt Dorsten, Jugendamt",
                          "https://www.muensterlandzeitung.de/dorsten/500-kinder-in-dorsten-sind-seelisch-krank-plus-1534778.html"),
    "rn_wohnen_2022": Quelle("IT.NRW, Gebäude- und Wohnungsfortschreibung",
                             "https://old.ruhrnachrichten.de/dorsten/wohnen-dorsten-liegt-teils-ueber-dem-kreis-durchschnitt-1892877.html?StoryId=1894113"),
    "nrw_kw2020": Quelle("IT.NRW, Landeswahlleitung NRW (Kommunalwahlen)",
                         "https://wahlergebnisse.nrw/kommunalwahlen/2020/aktuell/a562012kw2000.shtml"),
    "meindorsten_ltw2022": Quelle("Stadt Dorsten, Wahlamt (Landtagswahlen)",
                                  "https://meindorsten.de/wahl-in-dorsten-war-am-sonntag-um-21-30-uhr-ausgezaehlt/"),
}
ANNAHME = "Annahme"


@dataclass(frozen=True)
class Anker:
    """A calibration point for the city total of one Merkmal.

    ``art="anzahl"``: ``wert`` is the city total (count or amount).
    ``art="quote"``: ``wert`` is the city total per unit of the Merkmal's Bezugsgröße
    (see ``MODELLE[merkmal].bezug``), e.g. 0.11 = 11 % or 46.9 m² per inhabitant.
    ``quelle`` is a key of ``QUELLEN`` or ``ANNAHME``.
    """

    jahr: int
    wert: float
    quelle: str
    art: str = "anzahl"
    hinweis: str = ""


A = Anker  # short alias for the tables below

# Einwohner mit Hauptwohnsitz je Stadtteil (Melderegister der Stadt). Werte mit Stichtag
# 30.06./31.03. sind dem nächstliegenden Jahresende zugeordnet (siehe hinweis).
BEVOELKERUNG_STADTTEILE: dict[str, list[Anker]] = {
    "Altendorf-Ulfkotte": [A(2013, 2037, "meindorsten_2013", hinweis="30.06.2013")],
    "Altstadt": [A(2013, 4028, "meindorsten_2013", hinweis="30.06.2013"),
                 A(2015, 4233, "hz_2016", hinweis="abgeleitet: 527 Nichtdeutsche = 12,45 %")],
    "Deuten": [A(2013, 1698, "meindorsten_2013", hinweis="30.06.2013"),
               A(2015, 1692, "hz_2016")],
    "Feldmark": [A(2013, 7810, "meindorsten_2013", hinweis="30.06.2013")],
    "Hardt": [A(2013, 7772, "meindorsten_2013", hinweis="30.06.2013")],
    "Hervest": [A(2013, 12849, "meindorsten_2013", hinweis="30.06.2013"),
                A(2015, 12986, "hz_2016", hinweis="abgeleitet: 1.222 Nichtdeutsche = 9,41 %")],
    "Holsterhausen": [A(2013, 13563, "meindorsten_2013", hinweis="30.06.2013")],
    "Lembeck": [A(2013, 5207, "meindorsten_2013", hinweis="30.06.2013")],
    "Östrich": [A(2013, 2010, "meindorsten_2013", hinweis="30.06.2013"),
                A(2015, 2031, "hz_2016", hinweis="abgeleitet: 39 Nichtdeutsche = 1,92 %")],
    "Rhade": [A(2013, 5616, "meindorsten_2013", hinweis="30.06.2013"),
              A(2015, 5560, "hz_2016", hinweis="abgeleitet: 129 Nichtdeutsche = 2,32 %")],
    "Wulfen/Barkenberg": [A(2013, 13750, "meindorsten_2013", hinweis="30.06.2013")],
}

# Stadtsumme (Melderegister OK.EWO bzw. Sozialbericht 2025; nicht mit IT.NRW-Zahlen gemischt).
BEVOELKERUNG_STADT: list[Anker] = [
    A(2014, 76326, "hz_2016"), A(2015, 76459, "hz_2016"), A(2023, 77294, "dorsten_live_2025"),
]

# Stadtsummen aller übrigen Merkmale. Bei art="quote" steht in Klammern, worauf sich die
# Quote bezieht (= MODELLE[merkmal].bezug).
KALIBRIERUNG: dict[str, list[Anker]] = {
    # --- Altersgruppen (Quote = Anteil an bev_gesamt) ---
    "bev_0_2": [A(2014, 0.0225, ANNAHME, "quote"), A(2018, 0.0250, ANNAHME, "quote"),
                A(2023, 0.0270, ANNAHME, "quote")],
    "bev_3_5": [A(2014, 0.0235, ANNAHME, "quote"), A(2018, 1913, "rn_sb2025"), A(2023, 2250, "rn_sb2025")],
    "bev_6_9": [A(2014, 0.0330, ANNAHME, "quote"),
                A(2018, 2573, "rn_sb2025", hinweis="44 % der 5.848 Kinder von 6 bis 14 Jahren (Aufteilung: Annahme)"),
                A(2023, 2867, "rn_sb2025", hinweis="45,5 % der 6.302 Kinder von 6 bis 14 Jahren (Aufteilung: Annahme)")],
    "bev_10_14": [A(2014, 0.0455, ANNAHME, "quote"),
                  A(2018, 3275, "rn_sb2025", hinweis="56 % der 5.848 Kinder von 6 bis 14 Jahren"),
                  A(2023, 3435, "rn_sb2025", hinweis="54,5 % der 6.302 Kinder von 6 bis 14 Jahren")],
    "bev_15_17": [A(2014, 0.0310, ANNAHME, "quote"), A(2018, 0.0290, ANNAHME, "quote"),
                  A(2023, 0.0265, ANNAHME, "quote")],
    "bev_18_20": [A(2014, 0.0325, ANNAHME, "quote"), A(2018, 0.0310, ANNAHME, "quote"),
                  A(2023, 0.0290, ANNAHME, "quote")],
    "bev_65_79": [A(2014, 0.1630, ANNAHME, "quote"), A(2018, 0.1680, ANNAHME, "quote"),
                  A(2023, 0.1760, "do_online_2025", "quote",
                    hinweis="„jede vierte Person“ über 65 (2023) abzüglich Anteil 80+")],
    "bev_80_plus": [A(2014, 0.0600, ANNAHME, "quote"), A(2018, 5036, "rn_sb2025"), A(2023, 5738, "rn_sb2025")],
    # --- Nichtdeutsche ---
    "bev_nichtdeutsch": [A(2014, 4002, "hz_2016", hinweis="Zählung des Rechenzentrums GKD Recklinghausen, andere Zählbasis"),
                         A(2015, 4645, "hz_2016"), A(2018, 5627, "rn_sb2025"),
                         A(2023, 7912, "rn_sb2025", hinweis="abgeleitet: 5.627 + 2.285 (≈ 10 %)")],
    # --- Haushalte (Quote je Einwohner bzw. je Kind unter 18 bzw. je Haushalt mit Kindern) ---
    "haushalte": [A(2013, 1 / 2.0, ANNAHME, "quote", hinweis="2,0 Personen je Haushalt"),
                  A(2023, 1 / 1.96, ANNAHME, "quote")],
    "haushalte_mit_kindern": [A(2014, 0.600, ANNAHME, "quote"), A(2023, 0.605, ANNAHME, "quote")],
    "haushalte_alleinerziehend": [A(2014, 0.170, ANNAHME, "quote"), A(2023, 0.190, ANNAHME, "quote")],
    # --- Natürliche Bevölkerungsbewegung und Wanderung ---
    "geburten": [A(2014, 550, ANNAHME), A(2015, 569, "hz_2016"), A(2017, 630, ANNAHME),
                 A(2018, 650, ANNAHME), A(2021, 690, ANNAHME), A(2023, 655, ANNAHME)],
    "sterbefaelle": [A(2014, 880, ANNAHME), A(2015, 903, "hz_2016"), A(2018, 930, ANNAHME),
                     A(2020, 965, ANNAHME), A(2021, 1010, ANNAHME), A(2022, 1020, ANNAHME),
                     A(2023, 990, ANNAHME)],
    "_zuzuege_extern": [A(2014, 2950, ANNAHME), A(2015, 3516, "hz_2016"), A(2016, 3200, ANNAHME),
                        A(2017, 3000, ANNAHME), A(2019, 3050, ANNAHME), A(2022, 3700, ANNAHME),
                        A(2023, 3200, ANNAHME)],
    "_umzuege_intern": [A(2014, 0.031, ANNAHME, "quote", hinweis="Umzüge zwischen Stadtteilen je Einwohner")],
    # --- SGB II, Arbeitsmarkt (Dezember) ---
    "sgb2_u65": [A(2014, 0.110, "rn_armut_2024", "quote", hinweis="11 %, „seit 2013 konstant“ (WZB)"),
                 A(2016, 0.114, ANNAHME, "quote"), A(2019, 0.106, ANNAHME, "quote"),
                 A(2023, 0.112, "rn_armut_2024", "quote")],
    "sgb2_u15": [A(2014, 0.175, ANNAHME, "quote"), A(2018, 0.185, ANNAHME, "quote"),
                 A(2023, 0.195, ANNAHME, "quote", hinweis="mehr Kinder im Leistungsbezug als 2018 (Sozialbericht 2025)")],
    "sgb2_bg_alleinerziehend": [A(2014, 0.380, ANNAHME, "quote"), A(2023, 0.360, ANNAHME, "quote")],
    "arbeitslose": [A(2014, 3300, ANNAHME), A(2015, 3250, ANNAHME), A(2016, 3150, ANNAHME),
                    A(2017, 3003, "rn_alo_2018", hinweis="Dezember 2017"),
                    A(2018, 2663, "rn_alo_2018", hinweis="Dezember 2018, Quote 6,7 %"),
                    A(2019, 2600, ANNAHME), A(2020, 2933, "rn_alo_2020", hinweis="Mai 2020"),
                    A(2021, 2750, ANNAHME), A(2022, 2600, ANNAHME), A(2023, 2680, ANNAHME)],
    "arbeitslose_langzeit": [A(2014, 0.450, ANNAHME, "quote"), A(2018, 1278, "rn_alo_2018"),
                             A(2021, 0.520, ANNAHME, "quote"), A(2023, 0.470, ANNAHME, "quote")],
    "arbeitslose_sgb2": [A(2014, 0.740, ANNAHME, "quote"), A(2018, 0.700, ANNAHME, "quote"),
                         A(2023, 0.660, ANNAHME, "quote")],
    "svb_wohnort": [A(2014, 0.555, ANNAHME, "quote"), A(2023, 0.605, ANNAHME, "quote")],
    # --- Sozialamt ---
    "grundsicherung_65plus": [A(2014, 0.026, ANNAHME, "quote"), A(2023, 0.033, ANNAHME, "quote")],
    "wohngeld_haushalte": [A(2014, 0.014, ANNAHME, "quote"), A(2019, 0.012, ANNAHME, "quote"),
                           A(2020, 0.015, ANNAHME, "quote"), A(2023, 0.027, ANNAHME, "quote")],
    # --- Jugendamt: Hilfen zur Erziehung und Schutz ---
    "hze_gesamt": [A(2014, 350, ANNAHME), A(2016, 370, ANNAHME), A(2017, 386, "mz_hze_2020"),
                   A(2018, 491, "mz_hze_2020"), A(2019, 510, "mz_hze_2020", hinweis="„über 500“"),
                   A(2021, 540, ANNAHME), A(2023, 570, ANNAHME)],
    "hze_stationaer": [A(2014, 100, ANNAHME), A(2017, 105, "mz_hze_2020", hinweis="„100 bis 120“"),
                       A(2020, 118, "mz_hze_2020", hinweis="„100 bis 120“"), A(2023, 122, ANNAHME)],
    "eingliederungshilfe_35a": [A(2014, 40, ANNAHME), A(2018, 70, ANNAHME),
                                A(2019, 100, "mz_hze_2020", hinweis="„starker Anstieg“ (Zahl: Annahme)"),
                                A(2023, 150, ANNAHME)],
    "inobhutnahmen": [A(2014, 38, ANNAHME), A(2015, 65, ANNAHME), A(2016, 60, ANNAHME),
                      A(2017, 45, ANNAHME), A(2023, 45, ANNAHME)],
    "gefaehrdungseinschaetzungen": [A(2014, 140, ANNAHME), A(2018, 180, ANNAHME), A(2023, 230, ANNAHME)],
    # --- Jugendamt: Kindertagesbetreuung (Kita-Jahr, das im Jahr beginnt) ---
    "kita_plaetze_u3": [A(2014, 360, ANNAHME), A(2018, 448, "rn_kita_2018"), A(2020, 480, "mz_kita_2020"),
                        A(2022, 511, "mz_kita_2022"), A(2023, 560, ANNAHME)],
    "tagespflege_plaetze_u3": [A(2014, 100, ANNAHME), A(2019, 150, "hz_kita_2019"),
                               A(2020, 160, "hz_kita_2019"),
                               A(2022, 192, "mz_kita_2022", hinweis="Plätze in Großtagespflegestellen")],
    "kita_plaetze_3_5": [A(2014, 1880, ANNAHME), A(2018, 1902, "rn_kita_2018"), A(2020, 1982, "mz_kita_2020"),
                         A(2022, 2002, "mz_kita_2022"),
                         A(2023, 2132, "do_online_2025", hinweis="abgeleitet: 2.350 + 342 Plätze, abzüglich U3-Annahme")],
    "ogs_plaetze": [A(2011, 948, "mz_ogs_2011", hinweis="Schuljahr 2011/12"), A(2014, 1050, ANNAHME),
                    A(2018, 1200, ANNAHME), A(2023, 1450, ANNAHME)],
    # --- Schuleingangsuntersuchung (Quote = Anteil an seu_untersucht) ---
    "seu_untersucht": [A(2014, 0.335, ANNAHME, "quote", hinweis="rund ein Jahrgang der 3- bis 5-Jährigen")],
    "seu_sprache": [A(2014, 0.180, "mz_delfin_2011", "quote", hinweis="Delfin 4: 17,2 % (2010), 18,8 % (2011)"),
                    A(2018, 0.190, ANNAHME, "quote"), A(2023, 0.210, ANNAHME, "quote")],
    "seu_motorik": [A(2016, 0.080, "rn_seu_kreis", "quote", hinweis="Kreis Recklinghausen 2014–2017")],
    "seu_visuomotorik": [A(2016, 0.100, "rn_seu_kreis", "quote", hinweis="Kreis Recklinghausen 2014–2017")],
    "seu_uebergewicht": [A(2014, 0.110, ANNAHME, "quote")],
    "seu_masern_unvollstaendig": [A(2014, 0.070, ANNAHME, "quote"), A(2019, 0.055, ANNAHME, "quote"),
                                  A(2021, 0.035, ANNAHME, "quote", hinweis="Masernschutzgesetz 2020"),
                                  A(2023, 0.030, ANNAHME, "quote")],
    "seu_u8_u9_fehlt": [A(2014, 0.090, ANNAHME, "quote"), A(2023, 0.080, ANNAHME, "quote")],
    "seu_kita_unter_2_jahre": [A(2014, 0.090, ANNAHME, "quote"), A(2023, 0.110, ANNAHME, "quote")],
    # --- Schule (Übergänge: Jahr des Wechsels; Quote der Schulformen = Anteil an allen Übergängen) ---
    "uebergaenge_gesamt": [A(2014, 640, ANNAHME), A(2019, 601, "dz_uebergang_2019"),
                           A(2020, 587, "rn_uebergang_2020"), A(2023, 650, ANNAHME)],
    "uebergaenge_gymnasium": [A(2014, 0.400, ANNAHME, "quote"), A(2018, 0.390, ANNAHME, "quote"),
                              A(2023, 0.380, ANNAHME, "quote")],
    "uebergaenge_realschule": [A(2014, 0.240, ANNAHME, "quote"), A(2018, 0.210, ANNAHME, "quote"),
                               A(2023, 0.190, ANNAHME, "quote")],
    "uebergaenge_gesamtschule": [A(2014, 0.280, ANNAHME, "quote"), A(2018, 0.360, ANNAHME, "quote"),
                                 A(2023, 0.400, ANNAHME, "quote")],
    "uebergaenge_hauptschule": [A(2014, 0.060, ANNAHME, "quote"), A(2018, 0.020, ANNAHME, "quote"),
                                A(2023, 0.010, ANNAHME, "quote")],
    "uebergaenge_sonstige": [A(2014, 0.020, ANNAHME, "quote")],
    "abgaenger_gesamt": [A(2014, 0.320, ANNAHME, "quote")],
    "abgaenger_ohne_abschluss": [A(2014, 0.055, ANNAHME, "quote"), A(2023, 0.060, ANNAHME, "quote")],
    "abgaenger_hochschulreife": [A(2014, 0.360, ANNAHME, "quote"), A(2023, 0.380, ANNAHME, "quote")],
    # --- Wohnen ---
    "wohnungen": [A(2013, 36900, ANNAHME), A(2022, 37849, "rn_wohnen_2022")],
    "wohnflaeche": [A(2013, 46.9, ANNAHME, "quote", hinweis="m² je Einwohner"),
                    A(2022, 47.6, "rn_wohnen_2022", "quote", hinweis="m² je Einwohner")],
    "wohnungen_gefoerdert": [A(2014, 0.055, ANNAHME, "quote"), A(2023, 0.038, ANNAHME, "quote")],
    "wohnungen_ein_zweifamilienhaus": [A(2013, 0.510, ANNAHME, "quote"),
                                       A(2023, 0.520, ANNAHME, "quote")],
    # --- Teilhabe ---
    "but_berechtigte": [A(2014, 0.210, ANNAHME, "quote"), A(2023, 0.250, ANNAHME, "quote")],
    "but_teilnehmende": [A(2014, 0.320, ANNAHME, "quote"), A(2023, 0.420, ANNAHME, "quote")],
    "sportverein_6_17": [A(2014, 0.500, ANNAHME, "quote"), A(2019, 0.490, ANNAHME, "quote"),
                         A(2021, 0.430, ANNAHME, "quote", hinweis="Pandemie"), A(2023, 0.470, ANNAHME, "quote")],
    "bibliothek_6_17": [A(2014, 0.220, ANNAHME, "quote"), A(2023, 0.180, ANNAHME, "quote")],
    "musikschule_6_17": [A(2014, 0.070, ANNAHME, "quote")],
    # --- Wahlen: Wahlberechtigte (Anzahl) und Wähler (Anzahl oder Quote = Wahlbeteiligung) ---
    "wahlberechtigte_kw": [A(2009, 64800, ANNAHME), A(2014, 63675, "nrw_kw2020"), A(2020, 62359, "nrw_kw2020")],
    "waehler_kw": [A(2009, 0.525, ANNAHME, "quote"),
                   A(2014, 32536, "nrw_kw2020", hinweis="51,1 %"), A(2020, 33936, "nrw_kw2020", hinweis="54,4 %")],
    "wahlberechtigte_ltw": [A(2012, 61500, ANNAHME), A(2017, 60600, ANNAHME),
                            A(2022, 58869, "meindorsten_ltw2022")],
    "waehler_ltw": [A(2012, 0.585, ANNAHME, "quote"), A(2017, 0.6641, "meindorsten_ltw2022", "quote"),
                    A(2022, 33121, "meindorsten_ltw2022", hinweis="56,26 %")],
    "wahlberechtigte_btw": [A(2013, 61000, ANNAHME),
                            A(2017, 60300, ANNAHME),
                            A(2021, 59600, ANNAHME)],
    "waehler_btw": [A(2013, 0.715, ANNAHME, "quote"), A(2017, 0.768, ANNAHME, "quote"),
                    A(2021, 0.760, ANNAHME, "quote")],
    "wahlberechtigte_ew": [A(2014, 63800, ANNAHME), A(2019, 61900, ANNAHME)],
    "waehler_ew": [A(2014, 0.525, ANNAHME, "quote"), A(2019, 0.626, ANNAHME, "quote")],
}

# =====================================================================================
# 2. STADTTEILPROFILE – latente Merkmale (Annahmen, an Presseberichten orientiert)
# =====================================================================================


@dataclass(frozen=True)
class Profil:
    """Latent traits of a district that drive the distribution of all Merkmale."""

    name: str
    benachteiligung: float  # 0 … 1: soziale Belastung (SGB II, Bildung, Gesundheit)
    laendlich: float  # 0 … 1: dörfliche Lage
    zentral: float  # 0 … 1: Nähe zur Innenstadt und zentralen Einrichtungen
    kinder: float  # Faktor auf die Anteile der 0- bis 17-Jährigen
    senioren: float  # Faktor auf den Anteil der 65- bis 79-Jährigen
    hochbetagt: float  # Faktor auf den Anteil 80+ (Pflegeeinrichtungen)
    nichtdeutsch: float  # relativer Anteil Nichtdeutscher (Stadt = 1)
    haushaltsgroesse: float  # relative Personen je Haushalt (Stadt = 1)
    wohnflaeche: float  # relative Wohnfläche je Einwohner (Stadt = 1)
    grundschule: bool = True  # Grundschulstandort (OGS-Plätze)


# Nichtdeutsche: Altstadt 12,45 %, Hervest 9,41 %, Rhade 2,32 %, Östrich 1,92 %, Deuten 1,01 %
# bei 6,08 % in der Stadt (31.12.2015, hz_2016) → Faktoren 2,05 / 1,55 / 0,38 / 0,32 / 0,17.
# Benachteiligung: Hervest und Wulfen-Barkenberg hoch (rn_armut_2024: > 30 % Grundsicherung in
# Teilen), Altstadt mittel-hoch, Lembeck/Rhade/Deuten/Östrich/Altendorf-Ulfkotte niedrig.
# Grundschulen: keine in Altstadt und Feldmark (Schulliste 2022/23, dorsten-facts.md 4a).
PROFILE_DORSTEN: list[Profil] = [
    #      name                  ben.  länd. zentr. kind. sen.  80+   nd.   hh    wfl.  GS
    Profil("Altendorf-Ulfkotte", 0.15, 0.80, 0.30, 1.05, 1.00, 0.80, 0.40, 1.12, 1.12),
    Profil("Altstadt", 0.60, 0.00, 1.00, 0.75, 1.10, 1.70, 2.05, 0.85, 0.92, False),
    Profil("Deuten", 0.05, 1.00, 0.20, 1.05, 1.05, 0.80, 0.17, 1.15, 1.15),
    Profil("Feldmark", 0.45, 0.20, 0.70, 1.00, 1.00, 1.00, 0.85, 0.98, 0.98, False),
    Profil("Hardt", 0.20, 0.20, 0.70, 0.90, 1.20, 1.15, 0.60, 1.02, 1.12),
    Profil("Hervest", 0.85, 0.00, 0.60, 1.15, 0.90, 0.90, 1.55, 0.98, 0.88),
    Profil("Holsterhausen", 0.40, 0.10, 0.50, 1.00, 1.00, 1.00, 0.90, 1.00, 1.00),
    Profil("Lembeck", 0.12, 1.00, 0.10, 1.08, 1.00, 1.00, 0.35, 1.12, 1.10),
    Profil("Östrich", 0.12, 0.80, 0.30, 1.00, 1.05, 0.85, 0.32, 1.10, 1.08),
    Profil("Rhade", 0.10, 1.00, 0.10, 1.10, 0.95, 0.90, 0.38, 1.12, 1.08),
    Profil("Wulfen/Barkenberg", 0.80, 0.30, 0.20, 1.10, 1.00, 0.95, 1.25, 0.97, 0.90),
]

# Kachelposition (Zeile, Spalte) der schematischen Stadtteilkarte, wie in data/stadtteile.csv.
KACHELN_DORSTEN = {"Altendorf-Ulfkotte": (4, 2), "Altstadt": (3, 1), "Deuten": (1, 3), "Feldmark": (4, 1),
                   "Hardt": (3, 2), "Hervest": (2, 2), "Holsterhausen": (2, 1), "Lembeck": (0, 2),
                   "Östrich": (3, 0), "Rhade": (1, 0), "Wulfen/Barkenberg": (1, 2)}

# Stadtteile, die im Deutschen mit Artikel stehen („in der Feldmark“), für stadtteile.csv (Spalte artikel).
ARTIKEL_DORSTEN = {"Altstadt": "die", "Feldmark": "die", "Hardt": "die"}

# Namen für synthetische Städte (--stadt …)
NAMEN_ANDERE_STADT = ["Nordstadt", "Mitte", "Südfeld", "Westend", "Ostheide", "Bergdorf", "Lindenau",
                      "Am Hafen", "Kirchheide", "Mühlenbach", "Sandberg", "Waldesruh"]
# Beyond the twelve names above, names are composed (erfunden, like the city): "Oberbruch", "Neukamp" …
NAMEN_VORSILBEN = ["Nord", "Süd", "Ost", "West", "Ober", "Nieder", "Alt", "Neu", "Hohen", "Grün", "Stein",
                   "Linden", "Eichen", "Birken", "Mühlen", "Kirch", "Sand", "Rosen"]
NAMEN_STAEMME = ["feld", "heide", "dorf", "hausen", "berg", "bruch", "kamp", "busch", "au", "hof", "wald",
                 "bach", "brink", "horst", "winkel", "tal"]
STADTTEILE_MAX = 200


def stadtteil_namen(n: int) -> list[str]:
    """``n`` distinct invented district names; the first twelve are :data:`NAMEN_ANDERE_STADT`."""
    if not 2 <= n <= STADTTEILE_MAX:
        raise ValueError(f"--stadtteile muss zwischen 2 und {STADTTEILE_MAX} liegen (angegeben: {n}).")
    namen = list(NAMEN_ANDERE_STADT[:n])
    if n > len(namen):
        # fixed order (no seed): the same N gives the same names, N+1 adds one name at the end
        kombis = [v + s for s in NAMEN_STAEMME for v in NAMEN_VORSILBEN]
        kombis = [kombis[(i * 97) % len(kombis)] for i in range(len(kombis))]  # 97 is coprime to 288
        vorhanden = set(namen)
        namen += [k for k in kombis if k not in vorhanden][: n - len(namen)]
    return namen


def kachel_lage(i: int, n: int) -> tuple[int, int]:
    """Row and column of district ``i`` of ``n`` on a near-square tile grid (three columns at least)."""
    return divmod(i, max(3, math.ceil(math.sqrt(n))))

# =====================================================================================
# 3. MODELLE – wie ein Merkmal auf die Stadtteile verteilt wird
# =====================================================================================


@dataclass(frozen=True)
class Modell:
    """Distribution model of one Merkmal across districts.

    Weight of district d in year t: ``bezug[d,t] * exp(η[d,t])`` with
    ``η = Σ effekte[k]·merkmal_k(d) + u_d + trend_d·(t−2018)/10 + e[d,t]``;
    ``u_d ~ N(0, streuung)``, ``trend_d ~ N(0, trend)``, ``e`` AR(1) with sd ``rauschen``.
    Keys of ``effekte``: benachteiligung, laendlich, zentral, ln_nichtdeutsch,
    ln_haushaltsgroesse, ln_wohnflaeche, and ``benachteiligung_zeit`` (benachteiligung ×
    (t−2018)/10: burden drifting apart). ``sonder`` adds fixed effects for named districts.
    ``grenzen``: Merkmale that cap the district value (subsets stay ≤ totals).
    With ``logit=True`` the weight is ``bezug · expit(a_t + η)``, ``a_t`` solved so that the
    expected city total is met; shares then approach 100 % smoothly instead of piling up
    at the cap.
    """

    bezug: str
    effekte: dict = field(default_factory=dict)
    streuung: float = 0.10
    rauschen: float = 0.05
    trend: float = 0.08
    grenzen: tuple = ()
    sonder: dict = field(default_factory=dict)
    stadt_rauschen: float = 0.015  # city-level noise in years without an anchor
    betrag: bool = False  # amounts (places, dwellings, m²) rather than persons
    logit: bool = False  # high shares (sports clubs, houses): η acts on the logit, not the log


B, L, Z = "benachteiligung", "laendlich", "zentral"
MODELLE: dict[str, Modell] = {
    "bev_nichtdeutsch": Modell("bev_gesamt", {"ln_nichtdeutsch": 1.0}, 0.05, 0.03, 0.10, ("bev_gesamt",),
                               stadt_rauschen=0),
    "haushalte": Modell("bev_gesamt", {"ln_haushaltsgroesse": -1.0}, 0.01, 0.005, 0.01, ("bev_gesamt",),
                        stadt_rauschen=0.002),
    "haushalte_mit_kindern": Modell("bev_u18", {B: -0.10}, 0.03, 0.02, 0.03, ("bev_u18", "haushalte"),
                                    stadt_rauschen=0.005, logit=True),
    "haushalte_alleinerziehend": Modell("haushalte_mit_kindern", {B: 1.1, L: -0.3}, 0.10, 0.05, 0.08,
                                        ("haushalte_mit_kindern",), stadt_rauschen=0.01),
    "geburten": Modell("bev_0_2", {}, 0.05, 0.06, 0.05),
    "sterbefaelle": Modell("_sterbegewicht", {}, 0.05, 0.06, 0.05, sonder={"Altstadt": 0.35}),
    "sgb2_u65": Modell("bev_u65", {B: 2.3, L: -0.3, "benachteiligung_zeit": 0.25}, 0.12, 0.04, 0.08,
                       ("bev_u65",), stadt_rauschen=0.01),
    "sgb2_u15": Modell("bev_u15", {B: 2.5, L: -0.3, "benachteiligung_zeit": 0.35}, 0.12, 0.05, 0.10,
                       ("bev_u15", "sgb2_u65"), stadt_rauschen=0.01),
    "sgb2_bg_alleinerziehend": Modell("haushalte_alleinerziehend", {B: 0.9}, 0.12, 0.06, 0.08,
                                      ("haushalte_alleinerziehend",)),
    "arbeitslose": Modell("bev_15_64", {B: 1.9, L: -0.2}, 0.10, 0.05, 0.08, ("bev_15_64",)),
    "arbeitslose_sgb2": Modell("arbeitslose", {B: 0.35}, 0.05, 0.04, 0.04, ("arbeitslose", "sgb2_u65")),
    "arbeitslose_langzeit": Modell("arbeitslose", {B: 0.45}, 0.08, 0.06, 0.06, ("arbeitslose",)),
    "svb_wohnort": Modell("bev_15_64", {B: -1.4, L: 0.2}, 0.08, 0.03, 0.05, ("bev_15_64",),
                          stadt_rauschen=0.005, logit=True),
    "grundsicherung_65plus": Modell("bev_65_plus", {B: 1.6}, 0.15, 0.06, 0.08, ("bev_65_plus",)),
    "wohngeld_haushalte": Modell("haushalte", {B: 1.0}, 0.15, 0.08, 0.08, ("haushalte",)),
    "hze_gesamt": Modell("bev_u21", {B: 1.6}, 0.15, 0.08, 0.10, ("bev_u21",)),
    "hze_stationaer": Modell("bev_u21", {B: 1.7}, 0.20, 0.12, 0.10, ("hze_gesamt",)),
    "eingliederungshilfe_35a": Modell("bev_u21", {B: 0.3, Z: 0.3}, 0.20, 0.12, 0.15, ("bev_u21",)),
    "inobhutnahmen": Modell("bev_u18", {B: 1.5}, 0.20, 0.15, 0.10, ("bev_u18",)),
    "gefaehrdungseinschaetzungen": Modell("bev_u18", {B: 1.3}, 0.15, 0.10, 0.10, ("bev_u18",)),
    "kita_plaetze_u3": Modell("bev_0_2", {Z: 0.5, B: -0.3}, 0.30, 0.05, 0.15, betrag=True),
    "tagespflege_plaetze_u3": Modell("bev_0_2", {L: 0.5}, 0.35, 0.06, 0.15, betrag=True),
    "kita_plaetze_3_5": Modell("bev_3_5", {Z: 0.2}, 0.12, 0.03, 0.08, betrag=True),
    "ogs_plaetze": Modell("_bev_6_9_schulort", {B: 0.2}, 0.15, 0.05, 0.10, betrag=True),
    "seu_untersucht": Modell("bev_3_5", {}, 0.03, 0.03, 0.02, ("bev_3_5",), stadt_rauschen=0.01),
    "seu_sprache": Modell("seu_untersucht", {B: 1.5, "ln_nichtdeutsch": 0.25, "benachteiligung_zeit": 0.3},
                          0.20, 0.10, 0.10, ("seu_untersucht",), sonder={"Feldmark": 0.4}),
    "seu_motorik": Modell("seu_untersucht", {B: 0.7}, 0.15, 0.12, 0.10, ("seu_untersucht",), stadt_rauschen=0.04),
    "seu_visuomotorik": Modell("seu_untersucht", {B: 0.8}, 0.15, 0.12, 0.10, ("seu_untersucht",),
                               stadt_rauschen=0.04),
    "seu_uebergewicht": Modell("seu_untersucht", {B: 1.0, L: 0.1}, 0.12, 0.10, 0.10, ("seu_untersucht",),
                               stadt_rauschen=0.03),
    "seu_masern_unvollstaendig": Modell("seu_untersucht", {B: 0.3, L: 0.2}, 0.30, 0.15, 0.15,
                                        ("seu_untersucht",), stadt_rauschen=0.04),
    "seu_u8_u9_fehlt": Modell("seu_untersucht", {B: 1.3}, 0.15, 0.12, 0.10, ("seu_untersucht",),
                              stadt_rauschen=0.04),
    "seu_kita_unter_2_jahre": Modell("seu_untersucht", {B: 1.5, "ln_nichtdeutsch": 0.3}, 0.15, 0.12, 0.10,
                                     ("seu_untersucht",), stadt_rauschen=0.04),
    "uebergaenge_gesamt": Modell("bev_10_14", {}, 0.03, 0.03, 0.02, ("bev_10_14",)),
    "abgaenger_gesamt": Modell("bev_15_17", {}, 0.04, 0.05, 0.03, ("bev_15_17",), stadt_rauschen=0.02),
    "abgaenger_ohne_abschluss": Modell("abgaenger_gesamt", {B: 1.7}, 0.20, 0.15, 0.10, ("abgaenger_gesamt",),
                                       stadt_rauschen=0.05),
    "abgaenger_hochschulreife": Modell("abgaenger_gesamt", {B: -1.8, L: -0.3}, 0.15, 0.10, 0.08,
                                       ("_abgaenger_mit_abschluss",), stadt_rauschen=0.02, logit=True),
    "wohnungen": Modell("haushalte", {}, 0.015, 0.003, 0.01, betrag=True, stadt_rauschen=0),
    "wohnflaeche": Modell("bev_gesamt", {"ln_wohnflaeche": 1.0}, 0.02, 0.005, 0.02, betrag=True,
                          stadt_rauschen=0.002),
    "wohnungen_gefoerdert": Modell("wohnungen", {B: 2.5, L: -0.5}, 0.30, 0.02, 0.10, ("wohnungen",),
                                   sonder={"Wulfen/Barkenberg": 0.3}, betrag=True, stadt_rauschen=0),
    "wohnungen_ein_zweifamilienhaus": Modell("wohnungen", {L: 1.6, B: -1.5, Z: -1.0}, 0.15, 0.01, 0.03,
                                             ("wohnungen",), betrag=True, stadt_rauschen=0.002, logit=True),
    "but_berechtigte": Modell("bev_u18", {B: 2.3, L: -0.2}, 0.12, 0.05, 0.08, ("bev_u18",)),
    "but_teilnehmende": Modell("but_berechtigte", {B: -0.8, Z: 0.4}, 0.20, 0.10, 0.12, ("but_berechtigte",),
                               stadt_rauschen=0.03, logit=True),
    "sportverein_6_17": Modell("bev_6_17", {B: -1.4, L: 0.3}, 0.12, 0.05, 0.08, ("bev_6_17",), logit=True),
    "bibliothek_6_17": Modell("bev_6_17", {Z: 0.9, B: -0.5}, 0.12, 0.06, 0.08, ("bev_6_17",)),
    "musikschule_6_17": Modell("bev_6_17", {B: -1.2, Z: 0.3}, 0.15, 0.08, 0.08, ("bev_6_17",),
                               stadt_rauschen=0.03),
}

# Übergänge nach Klasse 4: Effekte je Schulform auf den Logit-Anteil (Matrix-Verteilung).
SCHULFORMEN: dict[str, dict] = {
    "uebergaenge_gymnasium": {B: -1.3, L: -0.4},
    "uebergaenge_realschule": {B: -0.2, L: 0.5},
    "uebergaenge_gesamtschule": {B: 0.7, L: -0.1},
    "uebergaenge_hauptschule": {B: 1.6},
    "uebergaenge_sonstige": {B: 1.0},
}
SCHULFORMEN_SONDER = {("uebergaenge_gesamtschule", "Wulfen/Barkenberg"): 0.3}  # Gesamtschule Wulfen

ALTERSGRUPPEN = ["bev_0_2", "bev_3_5", "bev_6_9", "bev_10_14", "bev_15_17", "bev_18_20", "bev_21_64",
                 "bev_65_79", "bev_80_plus"]
SUMMEN = {  # aggregates delivered by the register, as sums of the fine groups
    "bev_u15": ["bev_0_2", "bev_3_5", "bev_6_9", "bev_10_14"],
    "bev_u18": ["bev_0_2", "bev_3_5", "bev_6_9", "bev_10_14", "bev_15_17"],
    "bev_u21": ["bev_0_2", "bev_3_5", "bev_6_9", "bev_10_14", "bev_15_17", "bev_18_20"],
    "bev_6_17": ["bev_6_9", "bev_10_14", "bev_15_17"],
    "bev_15_64": ["bev_15_17", "bev_18_20", "bev_21_64"],
    "bev_18_64": ["bev_18_20", "bev_21_64"],
    "bev_u65": ["bev_0_2", "bev_3_5", "bev_6_9", "bev_10_14", "bev_15_17", "bev_18_20", "bev_21_64"],
    "bev_65_plus": ["bev_65_79", "bev_80_plus"],
}
# Effekt der Benachteiligung auf die Wahlbeteiligung (Logit); Kommunal- und Europawahl am stärksten
# (EW 2019: unter 30 % im Wahlbezirk Gemeinschaftshaus Wulfen, unter 40 % in Hervest).
WAHLARTEN = {"kw": -1.5, "ew": -1.4, "ltw": -1.3, "btw": -1.3}

# Files: name → (Merkmale in order, delivering office; {stadt} and {kreis} are filled in).
DATEIEN: dict[str, tuple[list[str], str]] = {
    "einwohner.csv": (["bev_gesamt", *ALTERSGRUPPEN, *SUMMEN, "bev_nichtdeutsch", "geburten", "sterbefaelle",
                       "zuzuege", "fortzuege", "haushalte", "haushalte_mit_kindern", "haushalte_alleinerziehend"],
                      "Einwohnermelderegister der Stadt {stadt}"),
    "jobcenter.csv": (["sgb2_u65", "sgb2_u15", "sgb2_bg_alleinerziehend", "arbeitslose", "arbeitslose_sgb2",
                       "arbeitslose_langzeit", "svb_wohnort"],
                      "Statistik der Bundesagentur für Arbeit (kleinräumige Auswertung für die Stadt {stadt})"),
    "sozialamt.csv": (["grundsicherung_65plus", "wohngeld_haushalte"], "Sozialamt der Stadt {stadt}"),
    "jugendamt.csv": (["hze_gesamt", "hze_ambulant", "hze_stationaer", "eingliederungshilfe_35a",
                       "inobhutnahmen", "gefaehrdungseinschaetzungen", "kita_plaetze_u3",
                       "tagespflege_plaetze_u3", "betreuungsplaetze_u3", "kita_plaetze_3_5"],
                      "Jugendamt der Stadt {stadt}"),
    "gesundheitsamt.csv": (["seu_untersucht", "seu_sprache", "seu_motorik", "seu_visuomotorik",
                            "seu_uebergewicht", "seu_masern_unvollstaendig", "seu_u8_u9_fehlt",
                            "seu_kita_unter_2_jahre"],
                           "Gesundheitsamt {kreis}, Schuleingangsuntersuchung"),
    "schulen.csv": (["uebergaenge_gesamt", *SCHULFORMEN, "abgaenger_gesamt", "abgaenger_ohne_abschluss",
                     "abgaenger_hochschulreife", "ogs_plaetze"],
                    "Schulverwaltungsamt der Stadt {stadt}; IT.NRW, Schulstatistik"),
    "wohnen.csv": (["wohnungen", "wohnflaeche", "wohnungen_gefoerdert", "wohnungen_ein_zweifamilienhaus"],
                   "Planungsamt der Stadt {stadt} (Gebäude- und Wohnungsfortschreibung); Wohnraumförderung {kreis}"),
    "teilhabe.csv": (["but_berechtigte", "but_teilnehmende", "sportverein_6_17", "bibliothek_6_17",
                      "musikschule_6_17"], "Jobcenter und Sozialamt (Bildung und Teilhabe)"),
}
QUELLE_JE_MERKMAL = {  # rows whose office differs from the file's default
    "sportverein_6_17": "Stadtsportverband {stadt}, Bestandserhebung",
    "bibliothek_6_17": "Stadtbibliothek {stadt}",
    "musikschule_6_17": "Musikschule der Stadt {stadt}",
    "ogs_plaetze": "Schulverwaltungsamt der Stadt {stadt}",
}
WAHL_DATEI = "wahlen.csv"  # deliberately in the wide layout (one column per district + Gesamt)
WAHL_QUELLE = "Wahlamt der Stadt {stadt}; IT.NRW"
PRAEFIX_QUELLE = "Synthetische Beispieldaten nach dem Muster: "


# =====================================================================================
# 4. Bausteine
# =====================================================================================


def runden_summe(werte: np.ndarray, summe: int) -> np.ndarray:
    """Round non-negative reals to integers that add up to ``summe`` (largest remainder)."""
    werte = np.asarray(werte, dtype=float)
    if werte.sum() <= 0:
        out = np.zeros(len(werte), dtype=np.int64)
        out[0] = summe
        return out
    skaliert = werte / werte.sum() * summe
    unten = np.floor(skaliert).astype(np.int64)
    rest = int(summe - unten.sum())
    if rest:
        reihenfolge = np.argsort(-(skaliert - unten), kind="stable")
        unten[reihenfolge[:rest]] += 1
    return unten


def verteilen(gesamt: int, gewichte: np.ndarray, grenzen: np.ndarray | None, rng) -> np.ndarray:
    """Draw ``gesamt`` units multinomially onto districts by weight, never above ``grenzen``.

    Units drawn above a district's cap are redrawn among districts with room left.
    """
    gewichte = np.clip(np.asarray(gewichte, dtype=float), 0, None)
    n = len(gewichte)
    if gesamt <= 0:
        return np.zeros(n, dtype=np.int64)
    if grenzen is not None and gesamt > grenzen.sum():
        raise ValueError(f"Stadtsumme {gesamt} übersteigt die Summe der Obergrenzen {grenzen.sum()}.")
    if gewichte.sum() <= 0:
        gewichte = np.ones(n) if grenzen is None else grenzen.astype(float)
    x = rng.multinomial(gesamt, gewichte / gewichte.sum()).astype(np.int64)
    if grenzen is None:
        return x
    for _ in range(100):
        ueber = np.clip(x - grenzen, 0, None)
        if not ueber.any():
            return x
        x -= ueber
        frei = grenzen - x
        w = np.where(frei > 0, gewichte + 1e-9, 0.0)
        zusatz = rng.multinomial(int(ueber.sum()), w / w.sum())
        x += zusatz
    raise RuntimeError("Verteilung unter Obergrenzen konvergiert nicht.")  # pragma: no cover


def matrix_verteilen(zeilen: np.ndarray, spalten: np.ndarray, saat: np.ndarray, rng) -> np.ndarray:
    """Integer matrix with exact row sums ``zeilen`` and column sums ``spalten``.

    IPF fits ``saat`` to both margins; each row is then drawn multinomially, and column
    deviations are repaired by moving single units inside rows where that departs least
    from the fitted values.
    """
    zeilen = np.asarray(zeilen, dtype=np.int64)
    spalten = np.asarray(spalten, dtype=np.int64)
    assert zeilen.sum() == spalten.sum(), "Zeilen- und Spaltensummen müssen gleich sein."
    m = np.asarray(saat, dtype=float).copy() + 1e-12
    for _ in range(200):
        m *= (zeilen / m.sum(axis=1))[:, None]
        m *= (spalten / np.where(m.sum(axis=0) > 0, m.sum(axis=0), 1))[None, :]
        if np.allclose(m.sum(axis=1), zeilen, rtol=1e-10, atol=1e-6):
            break
    x = np.zeros(m.shape, dtype=np.int64)
    for i, n in enumerate(zeilen):
        if n > 0:
            x[i] = rng.multinomial(int(n), m[i] / m[i].sum())
    diff = x.sum(axis=0) - spalten
    while diff.any():
        a, b = int(np.argmax(diff)), int(np.argmin(diff))  # column with excess, column with deficit
        guete = (x[:, a] - m[:, a]) + (m[:, b] - x[:, b])
        guete[x[:, a] <= 0] = -np.inf
        r = int(np.argmax(guete))
        x[r, a] -= 1
        x[r, b] += 1
        diff[a] -= 1
        diff[b] += 1
    return x


def ar1(rng, n: int, t: int, sd: float, rho: float = 0.7) -> np.ndarray:
    """Stationary AR(1) noise (``n`` series × ``t`` years) with marginal sd ``sd``."""
    e = np.zeros((n, t))
    if sd <= 0 or t == 0:
        return e
    e[:, 0] = rng.normal(0, sd, n)
    for j in range(1, t):
        e[:, j] = rho * e[:, j - 1] + rng.normal(0, sd * np.sqrt(1 - rho**2), n)
    return e


def expit(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


def logit_gewichte(bezug: np.ndarray, eta: np.ndarray, gesamt: float) -> np.ndarray:
    """``bezug · expit(a + η)`` with the intercept ``a`` chosen so that the weights sum to ``gesamt``."""
    bezug = np.asarray(bezug, dtype=float)
    if gesamt <= 0 or bezug.sum() <= 0:
        return bezug
    ziel = min(gesamt, bezug.sum() * (1 - 1e-9))
    unten, oben = -30.0, 30.0
    for _ in range(100):  # bisection: the sum is increasing in a
        a = (unten + oben) / 2
        if (bezug * expit(a + eta)).sum() < ziel:
            unten = a
        else:
            oben = a
    return bezug * expit((unten + oben) / 2 + eta)


def interpoliere(jahre: np.ndarray, stuetz_jahre, stuetz_werte) -> np.ndarray:
    """Piecewise linear through the anchors, constant beyond the first and last."""
    return np.interp(jahre, np.asarray(stuetz_jahre, dtype=float), np.asarray(stuetz_werte, dtype=float))


# =====================================================================================
# 5. Generator
# =====================================================================================


@dataclass
class Ergebnis:
    """Generated data: district × year arrays per Merkmal, plus elections."""

    stadt: str
    stadtteile: list[str]
    jahre: np.ndarray
    werte: dict[str, np.ndarray]  # merkmal → int array (n_stadtteile, n_jahre); "_…" = internal
    wahlen: dict[tuple[str, int], np.ndarray]  # (merkmal, wahljahr) → int array (n_stadtteile,)

    def stadtsumme(self, merkmal: str) -> dict[int, int]:
        return {int(j): int(v) for j, v in zip(self.jahre, self.werte[merkmal].sum(axis=0))}


class Generator:
    """Generates one synthetic data set; ``referenz`` = city totals of the Dorsten run (other cities)."""

    def __init__(self, profile: list[Profil], jahre: np.ndarray, seed: int,
                 bevoelkerung: np.ndarray, bev_basis: np.ndarray, referenz: Ergebnis | None = None):
        self.profile = profile
        self.namen = [p.name for p in profile]
        self.n = len(profile)
        self.jahre = np.asarray(jahre)
        self.seed = seed
        self.referenz = referenz
        self.werte: dict[str, np.ndarray] = {"bev_gesamt": bevoelkerung.astype(np.int64)}
        self.bev_basis = bev_basis.astype(np.int64)  # population one year before the first year
        self.wahlen: dict[tuple[str, int], np.ndarray] = {}
        p = profile
        self.merkmale = {
            B: np.array([x.benachteiligung for x in p]),
            L: np.array([x.laendlich for x in p]),
            Z: np.array([x.zentral for x in p]),
            "ln_nichtdeutsch": np.log([x.nichtdeutsch for x in p]),
            "ln_haushaltsgroesse": np.log([x.haushaltsgroesse for x in p]),
            "ln_wohnflaeche": np.log([x.wohnflaeche for x in p]),
        }

    # --- random streams -------------------------------------------------------------
    def rng(self, name: str):
        """An independent stream per Merkmal, so adding a Merkmal does not change the others."""
        return np.random.default_rng([self.seed, zlib.crc32(name.encode("utf-8"))])

    # --- city targets -----------------------------------------------------------------
    def _bezug_stadt(self, bezug: str, jahr: int, referenz: bool) -> float:
        quelle = self.referenz if (referenz and self.referenz is not None) else None
        if quelle is None:
            werte, jahre = self.werte[bezug], self.jahre
        else:
            werte, jahre = quelle.werte[bezug], quelle.jahre
        j = int(np.argmin(np.abs(jahre - jahr)))  # anchors outside the range: nearest year
        return float(werte[:, j].sum())

    def quote_stadt(self, merkmal: str, bezug: str, rng, stadt_rauschen: float) -> np.ndarray:
        """City rate per unit of ``bezug`` for every year (anchors interpolated, noise between)."""
        anker = KALIBRIERUNG[merkmal]
        stuetz_j, stuetz_q = [], []
        for a in anker:
            if a.art == "quote":
                q = a.wert
            else:  # a Dorsten count: as a rate of Dorsten's Bezugsgröße (reference run for other cities)
                q = a.wert / self._bezug_stadt(bezug, a.jahr, referenz=True)
            stuetz_j.append(a.jahr)
            stuetz_q.append(q)
        quote = interpoliere(self.jahre, stuetz_j, stuetz_q)
        frei = ~np.isin(self.jahre, stuetz_j)
        quote[frei] *= np.exp(rng.normal(0, stadt_rauschen, frei.sum())) if stadt_rauschen else 1.0
        return quote

    @staticmethod
    def _jahr_index(jahre: np.ndarray, jahr: int) -> int:
        return int(np.argmin(np.abs(jahre - jahr)))

    def stadt_ziel(self, merkmal: str, bezug: str, rng, stadt_rauschen: float) -> np.ndarray:
        """Integer city total per year = rate × city Bezugsgröße (anchor counts reproduced exactly)."""
        quote = self.quote_stadt(merkmal, bezug, rng, stadt_rauschen)
        return np.rint(quote * self.werte[bezug].sum(axis=0)).astype(np.int64)

    # --- district weights ---------------------------------------------------------------
    def eta(self, modell: Modell, rng, effekte: dict | None = None, sonder: dict | None = None) -> np.ndarray:
        t = len(self.jahre)
        zeit = (self.jahre - 2018) / 10.0
        e = np.zeros((self.n, t))
        for k, b in (effekte if effekte is not None else modell.effekte).items():
            if k == "benachteiligung_zeit":
                e += b * self.merkmale[B][:, None] * zeit[None, :]
            else:
                e += b * self.merkmale[k][:, None]
        for name, b in (sonder if sonder is not None else modell.sonder).items():
            if name in self.namen:
                e[self.namen.index(name)] += b
        e += rng.normal(0, modell.streuung, self.n)[:, None]
        e += rng.normal(0, modell.trend, self.n)[:, None] * zeit[None, :]
        e += ar1(rng, self.n, t, modell.rauschen)
        return e

    def obergrenze(self, grenzen: tuple) -> np.ndarray | None:
        if not grenzen:
            return None
        return np.minimum.reduce([self.werte[g] for g in grenzen])

    def merkmal(self, name: str) -> None:
        """Generate one Merkmal from its calibration and model (generic path)."""
        modell = MODELLE[name]
        rng = self.rng(name)
        ziel = self.stadt_ziel(name, modell.bezug, rng, modell.stadt_rauschen)
        eta = self.eta(modell, rng)
        bezug = self.werte[modell.bezug]
        grenzen = self.obergrenze(modell.grenzen)
        out = np.zeros((self.n, len(self.jahre)), dtype=np.int64)
        for j in range(len(self.jahre)):
            g = None if grenzen is None else grenzen[:, j]
            gesamt = int(ziel[j]) if g is None else min(int(ziel[j]), int(g.sum()))
            if modell.logit:
                gewichte = logit_gewichte(bezug[:, j], eta[:, j], gesamt)
            else:
                gewichte = bezug[:, j] * np.exp(eta[:, j])
            if modell.betrag:  # places, dwellings, m²: no sampling noise, only the modelled variation
                x = runden_summe(gewichte, gesamt)
                out[:, j] = x if g is None or (x <= g).all() else verteilen(gesamt, gewichte, g, rng)
            else:
                out[:, j] = verteilen(gesamt, gewichte, g, rng)
        self.werte[name] = out

    # --- blocks ---------------------------------------------------------------------------
    def altersgruppen(self) -> None:
        rng = self.rng("altersgruppen")
        bev = self.werte["bev_gesamt"]
        t = len(self.jahre)
        gruppen_ohne_rest = [g for g in ALTERSGRUPPEN if g != "bev_21_64"]
        anteile = {}
        for g in gruppen_ohne_rest:
            anteile[g] = self.quote_stadt(g, "bev_gesamt", rng, 0.0)
        anteile["bev_21_64"] = 1 - sum(anteile.values())
        faktor = {"bev_0_2": "kinder", "bev_3_5": "kinder", "bev_6_9": "kinder", "bev_10_14": "kinder",
                  "bev_15_17": "kinder", "bev_65_79": "senioren", "bev_80_plus": "hochbetagt"}
        profil_faktor = np.ones((self.n, len(ALTERSGRUPPEN)))
        for k, g in enumerate(ALTERSGRUPPEN):
            if g in faktor:
                profil_faktor[:, k] = [getattr(p, faktor[g]) for p in self.profile]
            elif g == "bev_18_20":
                profil_faktor[:, k] = [(1 + p.kinder) / 2 for p in self.profile]
        dauer = rng.normal(0, 0.04, (self.n, len(ALTERSGRUPPEN)))
        jahr_rauschen = np.stack([ar1(rng, self.n, t, 0.025, rho=0.85) for _ in ALTERSGRUPPEN], axis=1)
        ergebnis = {g: np.zeros((self.n, t), dtype=np.int64) for g in ALTERSGRUPPEN}
        for j in range(t):
            stadt = bev[:, j].sum()
            spalten = runden_summe(np.array([max(anteile[g][j], 0) for g in ALTERSGRUPPEN]), int(stadt))
            saat = bev[:, j][:, None] * np.array([anteile[g][j] for g in ALTERSGRUPPEN])[None, :] \
                * profil_faktor * np.exp(dauer + jahr_rauschen[:, :, j])
            x = matrix_verteilen(bev[:, j], spalten, saat, rng)
            for k, g in enumerate(ALTERSGRUPPEN):
                ergebnis[g][:, j] = x[:, k]
        self.werte.update(ergebnis)
        for summe, teile in SUMMEN.items():
            self.werte[summe] = sum(self.werte[g] for g in teile)
        # internal weights
        self.werte["_sterbegewicht"] = (self.werte["bev_65_79"] + 6 * self.werte["bev_80_plus"]
                                        + self.werte["bev_21_64"] // 20)
        schule = np.array([p.grundschule for p in self.profile])
        self.werte["_bev_6_9_schulort"] = self.werte["bev_6_9"] * schule[:, None]

    def wanderungen(self) -> None:
        """Zuzüge/Fortzüge that close the population balance of every district."""
        rng = self.rng("wanderungen")
        bev = self.werte["bev_gesamt"]
        vorher = np.concatenate([self.bev_basis[:, None], bev[:, :-1]], axis=1)
        saldo = (bev - vorher) - (self.werte["geburten"] - self.werte["sterbefaelle"])
        extern = self.stadt_ziel("_zuzuege_extern", "bev_gesamt", rng, 0.02)
        intern = self.stadt_ziel("_umzuege_intern", "bev_gesamt", rng, 0.02)
        modell = Modell("bev_gesamt", {B: 0.5}, 0.08, 0.06, 0.05)
        gewichte = bev * np.exp(self.eta(modell, rng))
        zu = np.zeros_like(bev)
        for j in range(len(self.jahre)):
            positiv = np.clip(saldo[:, j], 0, None)
            basis = max(int(extern[j] + intern[j] - positiv.sum()), 0)
            zu[:, j] = positiv + verteilen(basis, gewichte[:, j], None, rng)
        self.werte["zuzuege"] = zu
        self.werte["fortzuege"] = zu - saldo

    def schulformen(self) -> None:
        rng = self.rng("schulformen")
        gesamt = self.werte["uebergaenge_gesamt"]
        formen = list(SCHULFORMEN)
        anteile = np.stack([self.quote_stadt(f, "uebergaenge_gesamt", rng, 0.0) for f in formen], axis=1)
        anteile /= anteile.sum(axis=1, keepdims=True)
        log_faktor = np.zeros((self.n, len(formen), len(self.jahre)))
        for k, f in enumerate(formen):
            sonder = {name: b for (ff, name), b in SCHULFORMEN_SONDER.items() if ff == f}
            log_faktor[:, k, :] = self.eta(Modell("uebergaenge_gesamt", SCHULFORMEN[f], 0.12, 0.10, 0.08),
                                           rng, sonder=sonder)
        out = {f: np.zeros((self.n, len(self.jahre)), dtype=np.int64) for f in formen}
        for j in range(len(self.jahre)):
            spalten = runden_summe(anteile[j], int(gesamt[:, j].sum()))
            saat = gesamt[:, j][:, None] * anteile[j][None, :] * np.exp(log_faktor[:, :, j])
            x = matrix_verteilen(gesamt[:, j], spalten, saat, rng)
            for k, f in enumerate(formen):
                out[f][:, j] = x[:, k]
        self.werte.update(out)

    def wahl(self) -> None:
        """Eligible voters and voters per election (values only in election years).

        Election years are the anchor years of ``wahlberechtigte_*``; elections after the
        last data year are left out, earlier ones use the first year's population.
        """
        rng = self.rng("wahlen")
        dauer = rng.normal(0, 0.15, self.n)  # persistent district turnout effect (logit), shared by all elections
        bev, u18 = self.werte["bev_gesamt"], self.werte["bev_u18"]
        nd, j1517 = self.werte["bev_nichtdeutsch"], self.werte["bev_15_17"]
        # Who may vote: Germans 18+ (Land, Bund); plus 16/17-year-olds and EU citizens (Kommune, EU).
        self.werte["_wahlbasis_landbund"] = np.clip(bev - u18 - (0.85 * nd).astype(np.int64), 0, None)
        self.werte["_wahlbasis_kommune"] = np.clip(bev - u18 + (2 * j1517) // 3 - (0.55 * nd).astype(np.int64),
                                                   0, None)
        for art, effekt in WAHLARTEN.items():
            basis = "_wahlbasis_landbund" if art in ("ltw", "btw") else "_wahlbasis_kommune"
            anker_w = {a.jahr: a for a in KALIBRIERUNG[f"waehler_{art}"]}
            for a_ber in KALIBRIERUNG[f"wahlberechtigte_{art}"]:
                jahr = a_ber.jahr
                if jahr > self.jahre.max():
                    continue
                j = self._jahr_index(self.jahre, jahr)
                b = self.werte[basis][:, j]
                if self.referenz is None:
                    ber_ziel = int(a_ber.wert)
                else:  # Dorsten's ratio of eligible voters to the base population
                    q = a_ber.wert / self._bezug_stadt(basis, jahr, referenz=True)
                    ber_ziel = int(min(round(q * b.sum()), bev[:, j].sum()))
                berechtigte = verteilen(ber_ziel, b * np.exp(rng.normal(0, 0.01, self.n)), bev[:, j], rng)
                a_w = anker_w[jahr]
                if a_w.art == "quote":
                    w_ziel = int(round(a_w.wert * berechtigte.sum()))
                elif self.referenz is None:
                    w_ziel = int(a_w.wert)
                else:
                    w_ziel = int(round(a_w.wert / a_ber.wert * berechtigte.sum()))
                eta = effekt * self.merkmale[B] + dauer + rng.normal(0, 0.05, self.n)
                waehler = verteilen(w_ziel, logit_gewichte(berechtigte, eta, w_ziel), berechtigte, rng)
                self.wahlen[(f"wahlberechtigte_{art}", jahr)] = berechtigte
                self.wahlen[(f"waehler_{art}", jahr)] = waehler

    # --- all ----------------------------------------------------------------------------------
    def erzeugen(self) -> Ergebnis:
        self.altersgruppen()
        for name in ["bev_nichtdeutsch", "haushalte", "haushalte_mit_kindern", "haushalte_alleinerziehend",
                     "geburten", "sterbefaelle"]:
            self.merkmal(name)
        self.wanderungen()
        for name in ["sgb2_u65", "sgb2_u15", "sgb2_bg_alleinerziehend", "arbeitslose", "arbeitslose_sgb2",
                     "arbeitslose_langzeit", "svb_wohnort", "grundsicherung_65plus", "wohngeld_haushalte",
                     "hze_gesamt", "hze_stationaer", "eingliederungshilfe_35a", "inobhutnahmen",
                     "gefaehrdungseinschaetzungen", "kita_plaetze_u3", "tagespflege_plaetze_u3",
                     "kita_plaetze_3_5", "ogs_plaetze", "seu_untersucht", "seu_sprache", "seu_motorik",
                     "seu_visuomotorik", "seu_uebergewicht", "seu_masern_unvollstaendig", "seu_u8_u9_fehlt",
                     "seu_kita_unter_2_jahre", "uebergaenge_gesamt"]:
            self.merkmal(name)
        self.werte["hze_ambulant"] = self.werte["hze_gesamt"] - self.werte["hze_stationaer"]
        self.werte["betreuungsplaetze_u3"] = self.werte["kita_plaetze_u3"] + self.werte["tagespflege_plaetze_u3"]
        self.schulformen()
        self.merkmal("abgaenger_gesamt")
        self.merkmal("abgaenger_ohne_abschluss")
        self.werte["_abgaenger_mit_abschluss"] = self.werte["abgaenger_gesamt"] - self.werte["abgaenger_ohne_abschluss"]
        for name in ["abgaenger_hochschulreife", "wohnungen", "wohnflaeche", "wohnungen_gefoerdert",
                     "wohnungen_ein_zweifamilienhaus", "but_berechtigte", "but_teilnehmende",
                     "sportverein_6_17", "bibliothek_6_17", "musikschule_6_17"]:
            self.merkmal(name)
        self.wahl()
        return Ergebnis("", self.namen, self.jahre, self.werte, self.wahlen)


# =====================================================================================
# 6. Einwohnerzahlen je Stadtteil
# =====================================================================================


def bevoelkerung_dorsten(jahre: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Population per district (rows in ``PROFILE_DORSTEN`` order) for ``jahre`` and the year before.

    Exact anchor values are kept; all other district-years are the linear interpolation
    between the district's anchors times a common factor f(year), solved so that the
    city anchors (``BEVOELKERUNG_STADT``) are met exactly, linear in between, f = 1 in 2013.
    """
    alle = np.arange(min(2013, jahre.min() - 1), jahre.max() + 1)
    namen = [p.name for p in PROFILE_DORSTEN]
    basis = np.zeros((len(namen), len(alle)))
    fest = np.zeros(basis.shape, dtype=bool)
    for i, name in enumerate(namen):
        anker = BEVOELKERUNG_STADTTEILE[name]
        basis[i] = interpoliere(alle, [a.jahr for a in anker], [a.wert for a in anker])
        fest[i] = np.isin(alle, [a.jahr for a in anker])
    f_j, f_w = [2013], [1.0]
    for a in BEVOELKERUNG_STADT:
        k = int(np.where(alle == a.jahr)[0][0])
        frei = ~fest[:, k]
        f_j.append(a.jahr)
        f_w.append((a.wert - basis[fest[:, k], k].sum()) / basis[frei, k].sum())
    f = interpoliere(alle, f_j, f_w)
    werte = np.where(fest, basis, basis * f[None, :])
    werte = np.rint(werte).astype(np.int64)
    # rounding must not move the cited city totals
    for a in BEVOELKERUNG_STADT:
        k = int(np.where(alle == a.jahr)[0][0])
        frei = np.flatnonzero(~fest[:, k])
        werte[frei[np.argmax(werte[frei, k])], k] += int(a.wert) - werte[:, k].sum()
    k0 = int(np.where(alle == jahre.min())[0][0])
    return werte[:, k0:k0 + len(jahre)], werte[:, k0 - 1]


def andere_stadt(namen: list[str], jahre: np.ndarray, seed: int):
    """Random district profiles and population paths for a synthetic city."""
    rng = np.random.default_rng([seed, zlib.crc32(b"andere_stadt"), len(namen)])
    n = len(namen)
    benachteiligung = rng.permutation(np.linspace(0.1, 0.85, n)) + rng.normal(0, 0.03, n)
    profile = []
    for i, name in enumerate(namen):
        profile.append(Profil(
            name=name, benachteiligung=float(np.clip(benachteiligung[i], 0, 1)),
            laendlich=float(rng.uniform(0, 1)), zentral=float(rng.uniform(0, 1)),
            kinder=float(rng.normal(1, 0.08)), senioren=float(rng.normal(1, 0.08)),
            hochbetagt=float(rng.normal(1, 0.15)), nichtdeutsch=float(np.exp(rng.normal(0, 0.5))),
            haushaltsgroesse=float(rng.normal(1, 0.05)), wohnflaeche=float(rng.normal(1, 0.06)),
            grundschule=bool(i != n - 1 or n < 4),  # one district without a Grundschule
        ))
    start = np.rint(np.exp(rng.normal(np.log(6000), 0.6, n))).astype(np.int64) + 800
    wachstum = rng.normal(0, 0.004, n)
    alle = np.arange(jahre.min() - 1, jahre.max() + 1)
    werte = np.rint(start[:, None] * (1 + wachstum[:, None]) ** (alle - alle[0])[None, :]).astype(np.int64)
    return profile, werte[:, 1:], werte[:, 0]


def erzeugen(seed: int = STANDARD_SEED, stadt: str = "Dorsten", stadtteile: int | None = None,
             von: int = JAHRE[0], bis: int = JAHRE[1]) -> Ergebnis:
    """Generate the data set in memory (no files)."""
    jahre = np.arange(von, bis + 1)
    if von < 2000 or bis > 2100 or von > bis:
        raise ValueError(f"Ungültiger Zeitraum {von}–{bis}.")
    if stadt == "Dorsten":
        if stadtteile not in (None, len(PROFILE_DORSTEN)):
            raise ValueError("Für Dorsten sind die 11 Stadtteile fest vorgegeben; --stadtteile nur mit --stadt.")
        bev, basis = bevoelkerung_dorsten(jahre)
        e = Generator(PROFILE_DORSTEN, jahre, seed, bev, basis).erzeugen()
    else:
        namen = stadtteil_namen(stadtteile or 4)
        referenz = erzeugen(seed, "Dorsten", None, *JAHRE)
        profile, bev, basis = andere_stadt(namen, jahre, seed)
        e = Generator(profile, jahre, seed, bev, basis, referenz=referenz).erzeugen()
    e.stadt = stadt
    return e


# =====================================================================================
# 7. Dateien schreiben
# =====================================================================================


def _quelle(text: str, stadt: str) -> str:
    kreis = "Kreis Recklinghausen" if stadt == "Dorsten" else "des Kreises"
    return PRAEFIX_QUELLE + text.format(stadt=stadt, kreis=kreis)


def _csv(zeilen: list[list]) -> bytes:
    puffer = io.StringIO()
    w = csv.writer(puffer, delimiter=";", lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    w.writerows(zeilen)
    return puffer.getvalue().encode("utf-8")


def dateien(e: Ergebnis) -> dict[str, bytes]:
    """File name → content (bytes) of all Bestand files."""
    out = {}
    for datei, (merkmale, amt) in DATEIEN.items():
        zeilen = [["stadtteil", "jahr", "merkmal", "wert", "quelle"]]
        for m in merkmale:
            q = _quelle(QUELLE_JE_MERKMAL.get(m, amt), e.stadt)
            werte = e.werte[m]
            for j, jahr in enumerate(e.jahre):
                for i, name in enumerate(e.stadtteile):
                    zeilen.append([name, int(jahr), m, int(werte[i, j]), q])
        out[datei] = _csv(zeilen)
    # Elections: wide layout – merkmal, jahr, one column per district, Gesamt, quelle.
    zeilen = [["merkmal", "jahr", *e.stadtteile, "Gesamt", "quelle"]]
    q = _quelle(WAHL_QUELLE, e.stadt)
    for art in WAHLARTEN:
        for m in (f"wahlberechtigte_{art}", f"waehler_{art}"):
            for (mm, jahr), werte in sorted(e.wahlen.items(), key=lambda kv: kv[0][1]):
                if mm == m:
                    zeilen.append([m, jahr, *[int(v) for v in werte], int(werte.sum()), q])
    out[WAHL_DATEI] = _csv(zeilen)
    return out


def stadtteile_csv(e: Ergebnis) -> bytes:
    """``stadtteile.csv`` for the generated districts (Dorsten: the tile map of data/stadtteile.csv)."""
    dorsten = e.stadt == "Dorsten"
    zeilen = [["schluessel", "name", "kachel_zeile", "kachel_spalte"] + (["artikel"] if dorsten else [])]
    for i, name in enumerate(e.stadtteile):
        zeile, spalte = KACHELN_DORSTEN[name] if dorsten else kachel_lage(i, len(e.stadtteile))
        zeilen.append([f"{i + 1:02d}", name, zeile, spalte] + ([ARTIKEL_DORSTEN.get(name, "")] if dorsten else []))
    return _csv(zeilen)


def bericht_yml(e: Ergebnis, berichtsjahr: int) -> bytes:
    return (
        "# Report settings for this data folder (see data/README.md).\n"
        f"stadt: {e.stadt}\n"
        f"berichtsjahr: {berichtsjahr}            # Stichtag 31.12. of this year\n"
        + (f"ausgaben: [{berichtsjahr}, {int(e.jahre.max())}]\n" if int(e.jahre.max()) > berichtsjahr else "")
        + "geheimhaltung:\n"
        "  mindestfallzahl: 3\n"
        "  mindestnenner: 100\n"
        "beispieldaten: true\n"
        "quelle: >-\n"
        f"  Synthetische Beispieldaten für eine erfundene Stadt „{e.stadt}“. Keine amtlichen Werte.\n"
    ).encode("utf-8")


def schreiben(e: Ergebnis, ziel: Path, berichtsjahr: int | None = None) -> list[Path]:
    """Write ``bestand/*.csv``; also ``stadtteile.csv`` and ``bericht.yml`` if they are missing."""
    ziel = Path(ziel)
    (ziel / "bestand").mkdir(parents=True, exist_ok=True)
    geschrieben = []
    for name, inhalt in dateien(e).items():
        pfad = ziel / "bestand" / name
        pfad.write_bytes(inhalt)
        geschrieben.append(pfad)
    if not (ziel / "stadtteile.csv").exists():
        (ziel / "stadtteile.csv").write_bytes(stadtteile_csv(e))
        geschrieben.append(ziel / "stadtteile.csv")
    if not (ziel / "bericht.yml").exists():
        jahr = berichtsjahr or int(min(max(2018, e.jahre.min()), e.jahre.max()))
        (ziel / "bericht.yml").write_bytes(bericht_yml(e, jahr))
        geschrieben.append(ziel / "bericht.yml")
    return geschrieben


def kalibrierung_markdown() -> str:
    """The calibration table (sourced figures only) as Markdown, for data/README.md.

    Columns: Merkmal (catalog id; ``bev_gesamt (<district>)`` for district populations), Jahr,
    Wert, Art, Hinweis, Urheber (who produced the figure), Fundstelle (where it was published).
    """
    zeilen = ["| Merkmal | Jahr | Wert | Art | Hinweis | Urheber | Fundstelle |", "|---|---|---|---|---|---|---|"]

    def zeile(merkmal, a: Anker):
        if a.quelle == ANNAHME:
            return
        if a.art == "anzahl":
            wert, art = f"{int(a.wert):,}".replace(",", "."), "Anzahl"
        elif merkmal in ("haushalte", "wohnflaeche"):
            wert, art = f"{a.wert:.3g}".replace(".", ","), "je Einwohner"
        elif a.wert < 1:
            wert, art = f"{a.wert * 100:.2f}".rstrip("0").rstrip(".").replace(".", ",") + " %", "Quote"
        else:
            wert, art = f"{a.wert:g}".replace(".", ","), "Quote"
        q = QUELLEN[a.quelle]
        zeilen.append(f"| {merkmal} | {a.jahr} | {wert} | {art} | {a.hinweis} | {q.urheber} | <{q.fundstelle}> |")

    for a in BEVOELKERUNG_STADT:
        zeile("bev_gesamt (Stadt)", a)
    for name, anker in BEVOELKERUNG_STADTTEILE.items():
        for a in anker:
            zeile(f"bev_gesamt ({name})", a)
    for m, anker in KALIBRIERUNG.items():
        for a in anker:
            zeile(m, a)
    return "\n".join(zeilen) + "\n"


def _repo() -> Path:
    try:
        from helpers.daten.ordner import repo_root

        return repo_root()
    except ImportError:  # pragma: no cover
        return Path(__file__).resolve().parents[2]


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m helpers.beispieldaten",
                                description="Synthetische Beispieldaten für den Sozialbericht erzeugen.")
    p.add_argument("--ziel", type=Path, default=None, help="Datenordner (Standard: <repo>/data)")
    p.add_argument("--seed", type=int, default=STANDARD_SEED, help=f"Zufallssaat (Standard: {STANDARD_SEED})")
    p.add_argument("--stadt", default="Dorsten", help="Name der Stadt; jede andere als Dorsten ist erfunden")
    p.add_argument("--stadtteile", type=int, default=None, help=f"Zahl der Stadtteile, 2 bis {STADTTEILE_MAX} (nur mit --stadt; Standard 4)")
    p.add_argument("--von", type=int, default=JAHRE[0])
    p.add_argument("--bis", type=int, default=JAHRE[1])
    p.add_argument("--berichtsjahr", type=int, default=None, help="für ein neu angelegtes bericht.yml")
    p.add_argument("--kalibrierung", action="store_true", help="Kalibrierungstabelle (Markdown) ausgeben")
    a = p.parse_args(argv)
    if a.kalibrierung:
        sys.stdout.write(kalibrierung_markdown())
        return 0
    try:
        e = erzeugen(a.seed, a.stadt, a.stadtteile, a.von, a.bis)
    except ValueError as err:
        p.error(str(err))
    ziel = a.ziel if a.ziel is not None else _repo() / "data"
    for pfad in schreiben(e, ziel, a.berichtsjahr):
        print(pfad)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
