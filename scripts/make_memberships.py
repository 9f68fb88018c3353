"""Write data/memberships.csv: who belonged to the EU, the euro area, the SCO, ASEAN and the CIS, and when.

The EU's and the euro area's members come from a maintained classification, country_converter
(coco: its EU12 … EU28 and EU27 columns, and the year each euro member adopted the euro); the
enlargement dates are those of the accession treaties. Groups coco does not date (SCO, ASEAN,
CIS, Shanghai Five) are written here from their founding acts. Names are coco's short names,
as series.csv names partners. Run after upgrading country_converter:

    .venv/bin/python scripts/make_memberships.py > data/memberships.csv
"""

from __future__ import annotations

import csv
import pathlib
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent))

from indicators.imports.common import _converter
from indicators.imports.common import slug

EU_STEPS = [  # (coco column of the enlarged union, date its new members joined)
    ("EU12", "1958-01-01"), ("EU15", "1995-01-01"), ("EU25", "2004-05-01"), ("EU27_2007", "2007-01-01"),
    ("EU28", "2013-07-01"),
]
EU12_LATER = {"Denmark": "1973-01-01", "Ireland": "1973-01-01", "United Kingdom": "1973-01-01",
              "Greece": "1981-01-01", "Spain": "1986-01-01", "Portugal": "1986-01-01"}
BREXIT = "2020-02-01"  # the first day the United Kingdom was no longer a member

FOUNDED = {  # group -> [(member, joined, left, basis)]
    "Shanghai Five": [(m, "1996-04-26", "2001-06-15", "Shanghai agreement of 26 April 1996; became the SCO")
                      for m in ("China", "Russia", "Kazakhstan", "Kyrgyzstan", "Tajikistan")],
    "SCO": [(m, "2001-06-15", None, "Declaration on the establishment of the SCO, 15 June 2001")
            for m in ("China", "Russia", "Kazakhstan", "Kyrgyzstan", "Tajikistan", "Uzbekistan")]
    + [(m, "2017-06-09", None, "SCO Astana summit, 9 June 2017") for m in ("India", "Pakistan")]
    + [("Iran", "2023-07-04", None, "SCO summit of 4 July 2023"), ("Belarus", "2024-07-04", None, "SCO Astana summit, 4 July 2024")],
    "ASEAN": [(m, "1967-08-08", None, "Bangkok Declaration, 8 August 1967")
              for m in ("Indonesia", "Malaysia", "Philippines", "Singapore", "Thailand")]
    + [("Brunei Darussalam", "1984-01-07", None, "ASEAN admission, 7 January 1984"),
       ("Vietnam", "1995-07-28", None, "ASEAN admission, 28 July 1995"),
       ("Laos", "1997-07-23", None, "ASEAN admission, 23 July 1997"),
       ("Myanmar", "1997-07-23", None, "ASEAN admission, 23 July 1997"),
       ("Cambodia", "1999-04-30", None, "ASEAN admission, 30 April 1999")],
    # Member states of the CIS Charter (1993); Ukraine never ratified it and Turkmenistan is an associate.
    "CIS": [(m, "1991-12-21", None, "Alma-Ata Protocol, 21 December 1991; CIS Charter member")
            for m in ("Armenia", "Azerbaijan", "Belarus", "Kazakhstan", "Kyrgyzstan", "Moldova", "Russia",
                      "Tajikistan", "Uzbekistan")]
    + [("Georgia", "1993-12-03", "2009-08-18", "joined 3 December 1993, left 18 August 2009")],
}


def rows() -> list[dict[str, str]]:
    data = _converter().data
    out: list[dict[str, str]] = []
    seen: set[str] = set()
    for column, joined in EU_STEPS:
        for name in data.loc[data[column] == column, "name_short"]:
            if name in seen:
                continue
            seen.add(name)
            date = EU12_LATER.get(name, joined) if column == "EU12" else joined
            left = BREXIT if name == "United Kingdom" else ""
            out.append({"group": "European Union", "member": name, "joined": date, "left": left,
                        "basis": f"country_converter {column}; accession treaty in force {date}"})
    for name, year in data.loc[data["EURO"].notna(), ["name_short", "EURO"]].itertuples(index=False):
        out.append({"group": "Euro Area", "member": name, "joined": f"{int(year)}-01-01", "left": "",
                    "basis": f"country_converter EURO: adopted the euro in {int(year)}"})
    for group, members in FOUNDED.items():
        for member, joined, left, basis in members:
            out.append({"group": group, "member": member, "joined": joined, "left": left or "", "basis": basis})
    for r in out:
        r["membership_id"] = slug(f"{r['group']}-{r['member']}-{r['joined'][:4]}")
    return out


def main() -> None:
    writer = csv.DictWriter(sys.stdout, ["membership_id", "group", "member", "joined", "left", "basis"],
                            lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows())


if __name__ == "__main__":
    main()
