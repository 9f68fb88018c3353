"""The official series under the claims, and the rankings they compute, as a briefer sees them."""

from __future__ import annotations

import json

import pytest

from indicators import export
from indicators.charts import FOOTNOTE_CHARS, TITLE_CHARS, build_figure, chart_points, chart_specs, esc, find_spec, ranking_points
from indicators.checks import run_checks
from indicators.loading import load_folder
from indicators.summaries import charts_of_flag


@pytest.fixture(scope="module")
def checked():
    loaded = load_folder("data")
    assert loaded.ok
    return loaded.dataset, run_checks(loaded.dataset)


def figure_json(checked, chart_id: str) -> dict:
    return json.loads(build_figure(*checked, chart_id).to_json())


def test_each_reporters_series_is_a_line_under_the_claims(checked):
    fig = figure_json(checked, "china-russia-trade")
    names = [t["name"] for t in fig["data"]]
    lines = [t for t in fig["data"] if t.get("mode") == "lines+markers"]
    assert [t["name"] for t in lines] == ["China’s statistics (IMF DOTS)", "Russia’s statistics (IMF DOTS)"]
    assert names.index("Russia’s statistics (IMF DOTS)") < names.index("Liu Changmin (cited by Michal Makocki)")
    china = build_figure(*checked, "china-russia-trade").data[0]
    xs = list(china.x)
    assert xs[0] == "1992" and xs[-1] == "2020" and len(xs) == 29
    assert list(china.y)[xs.index("2015")] == pytest.approx(67.95, abs=0.01)
    footnote = next(a["text"] for a in fig["layout"]["annotations"] if a.get("xref") == "paper").replace("<br>", " ")
    assert "Direction of Trade Statistics (DOTS), as China reports it, retrieved 2022-02-02" in footnote
    assert "Liu Changmin, cited by Michal Makocki" in footnote


def test_a_rank_claim_gets_the_ranking_with_its_entity_highlighted(checked):
    points = ranking_points(*checked, "china-trade-partner-rank")
    assert list(points["entity"][:3]) == ["United States", "Hong Kong", "Japan"]
    russia = points[points["highlight"]]
    assert list(russia["entity"]) == ["Russia"] and list(russia["label"]) == ["16th · $67.95bn"]
    assert len(points) == 16  # the top 15 and Russia, 16th
    fig = figure_json(checked, "china-trade-partner-rank-ranking")
    (bars,) = fig["data"]
    assert bars["type"] == "bar" and bars["y"][0] == "<b>Russia</b>"  # drawn from the bottom: first rank on top
    assert bars["y"][-1] == "United States"  # the claim's entity is bold, not only coloured
    assert "The claim: rank ≤10 (Liu Fenghua)" in fig["layout"]["title"]["subtitle"]["text"]


def test_an_arms_share_of_a_region_is_ranked_among_regions_in_sipris_window(checked):
    points = ranking_points(*checked, "russia-arms-export-share")
    assert set(points["period"]) == {"2011/2015"}
    assert list(points["entity"]) == ["Asia and Oceania", "Middle East", "Africa", "Americas", "Europe"]
    assert points["highlight"].tolist()[0] and points["label"].iat[0] == "1st · 66.2%"


def test_ranking_charts_follow_their_claims_chart_and_flags_link_to_the_claims(checked):
    dataset, result = checked
    ids = [s.id for s in chart_specs(dataset)]
    assert ids.index("china-trade-partner-rank-ranking") == ids.index("china-trade-partner-rank") + 1
    assert "isis-recruits-ranking" not in ids  # no series tests it
    flag = next(f for f in result.flags if f.kind == "reference_check"
                and f.obs_ids == ("china-trade-partner-rank-russia-2015",))
    assert [c[1] for c in charts_of_flag(dataset, flag)] == ["china-trade-partner-rank"]


def test_a_ranking_downloads_as_data_with_the_statistics_cited(checked):
    sheets = export.chart_sheets(*checked, "china-trade-partner-rank-ranking")
    data = sheets["data"]
    assert list(data.columns) == ["reporter", "period", "rank", "entity", "value", "label", "highlight", "source_id"]
    assert data[data["entity"] == "Russia"]["highlight"].iat[0] == "the claim's entity"
    assert list(sheets["sources"]["source_id"]) == ["imf-dots-china"]
    assert list(sheets["flags"]["kind"]) == ["reference_check"]


def test_a_chart_opens_on_its_claims_years_with_every_year_of_the_series_still_drawn(checked):
    """Over 29 years of DOTS the claims of 2014-2015 shared a corner and their labels ran together: the
    chart opens on 2011-2017, says so in a note line, and keeps every year (double-click, table, CSV)."""
    fig = build_figure(*checked, "china-russia-trade")
    china = fig.data[0]
    years = sorted(set(str(x) for trace in fig.data for x in trace.x))
    assert years[0] == "1992" and years[-1] == "2020" and list(china.x)[0] == "1992"  # all drawn
    lo, hi = fig.layout.xaxis.range
    assert years[int(lo + 0.5)] == "2011" and years[int(hi - 0.5)] == "2017"  # what the chart opens on
    footnote = next(a.text for a in fig.layout.annotations if a.xref == "paper").replace("<br>", " ")
    assert "The official series run 1992–2020; shown: 2011–2017, around the claims" in footnote
    lines = [t for t in fig.data if t.mode == "lines+markers"]
    assert all(t.cliponaxis for t in lines)  # no line runs into the margin
    assert {t.offsetgroup for t in lines} == {"official series"}  # through the years' centres, not dodged
    implied = next(t for t in fig.data if t.name == "Implied by a stated change or multiple")
    assert list(implied.text) == ["(1)", "(2)", "(3)"]


def test_the_labels_of_one_year_are_placed_apart(checked):
    """2015's '$69bn' and '$64bn' sat to the right of markers a few pixels apart and ran into each other
    and into the hollow marker beside them: the leftmost label goes left, the rightmost right, the
    ones between above or below, where there is room."""
    fig = build_figure(*checked, "china-russia-trade")
    placed: dict[str, dict[str, str]] = {}
    for trace in fig.data:
        if trace.mode != "markers+text":
            continue
        where = trace.textposition if isinstance(trace.textposition, tuple) else [trace.textposition] * len(trace.x)
        for x, text, position in zip(trace.x, trace.text, where):
            placed.setdefault(str(x), {})[text] = position
    assert placed["2014"] == {"$95bn": "middle left", "(1)": "middle right", "(2)": "middle right"}
    assert placed["2015"] == {"$64bn": "middle left", "$69bn": "top center", "$100bn target": "top center",
                              "(3)": "middle right"}
    alone = build_figure(*checked, "russia-vietnam-trade")  # one claim a year: beside its marker, as before
    assert {t.textposition for t in alone.data if t.mode == "markers+text" and t.name.startswith("Liu")} == {"middle right"}


def test_a_long_description_is_wrapped_under_the_title_not_cut(checked):
    """A printed chart read 'the figures differ in period … and definition: see' (cut at 140 characters)."""
    dataset = checked[0]
    for chart_id in ("isis-recruits", "china-russia-trade"):
        subtitle = build_figure(*checked, chart_id).layout.title.subtitle.text
        description = dataset.indicators_by_id[find_spec(dataset, chart_id).indicator_id].description
        assert subtitle.replace("<br>", " ") == esc(description)
        assert all(len(line) <= FOOTNOTE_CHARS for line in subtitle.split("<br>"))
    assert "definition: see each row’s note." in build_figure(*checked, "isis-recruits").layout.title.subtitle.text


def test_every_title_is_whole_and_fits_a_laptop_width_chart(checked):
    """At 1024 px 'Rank among Russia's trade partners: the official rankin' was cut at the chart's edge."""
    for spec in chart_specs(checked[0]):
        title = build_figure(*checked, spec.id).layout.title.text
        lines = [line.removeprefix("<b>").removesuffix("</b>") for line in title.split("<br>")]
        assert " ".join(lines) == esc(spec.title)
        assert all(len(line) <= TITLE_CHARS for line in lines), spec.id


def test_the_crude_claims_over_china_customs_series_and_the_suppliers_ranking(checked):
    volume = build_figure(*checked, "russia-china-crude-exports")
    line = next(t for t in volume.data if t.name == "China’s statistics (GACC)")
    by_year = dict(zip(line.x, line.y))
    assert round(by_year["2015"], 2) == 42.43 and round(by_year["2014"], 2) == 33.11
    value = figure_json(checked, "russia-china-crude-exports-value")  # the dollar value, on its own chart
    (arrow,) = [a for a in value["layout"]["annotations"] if a.get("showarrow")]
    assert "&lt;0% (Zhao Mingwen" in arrow["text"] and round(arrow["y"], 2) == 17.23 and round(arrow["ay"], 2) == 25.0
    points = ranking_points(*checked, "russia-china-crude-exports")
    top = points.sort_values("rank").head(3)
    assert list(top["entity"]) == ["Saudi Arabia", "Russia", "Angola"] and set(points["period"]) == {"2015"}
    assert points.loc[points["highlight"], "entity"].tolist() == ["Russia"]
    ids = [s.id for s in chart_specs(checked[0])]
    assert ids.index("russia-china-crude-exports-ranking") == ids.index("russia-china-crude-exports") + 1


def test_a_ranking_builds_a_group_from_its_members_as_they_stood_not_from_the_publishers_row(checked):
    """DOTS's "European Union" row is today's EU of 27 in every year (42.71% of Russia's 2015 trade); the claim is
    judged against the EU of 2015 (28 members, 44.84%), and its ranking must show the same group."""
    points = ranking_points(*checked, "russia-trade-share")
    eu = points[points["entity"] == "European Union"].iloc[0]
    assert eu["value"] == pytest.approx(44.84, abs=0.01) and bool(eu["highlight"])
    assert eu["label"] == "2nd · 44.8%, 28 members as of 2015"
    published = [v for v in checked[0].series_rows if v.indicator_id == "russia-trade-share"
                 and v.entity == "European Union" and v.period == "2015"]
    assert published and float(published[0].value) == pytest.approx(42.71, abs=0.01)  # the row not used


def test_a_five_year_window_a_verdict_compares_is_drawn_beside_the_claim(checked):
    """SIPRI's verdicts compare the five-year window ending in the claim's year: the chart shows it too, so its
    Vietnam (2nd in 2011–2015) is the finding's, next to the single year (3rd in 2015)."""
    points = chart_points(*checked, "russian-arms-importer-rank")
    windows = points[points["who"].str.contains("five-year window")]
    assert dict(zip(windows["entity"], windows["label"])) == {"Venezuela": "6th (2011–2015)",
                                                              "Vietnam": "2nd (2011–2015)"}
    assert set(windows["period"]) == {"2011/2015"} and set(windows["x"]) == {"Venezuela", "Vietnam"}
    share = chart_points(*checked, "russia-arms-export-share")
    (window,) = share[share["who"].str.contains("five-year window")].itertuples()
    assert window.x == "2015" and window.label == "66.2% (2011–2015)"
