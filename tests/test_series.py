"""Statistical sources, series and links as a data editor writes them, and as the folder holds them."""

from __future__ import annotations

import pytest

from indicators.changes import to_csv
from indicators.csvfile import parse_table
from indicators.loading import load_folder
from indicators.reference import claim_series, series_table
from indicators.schema import Source, TABLES, columns

from .conftest import DATA, csv_bytes, indicator, obs, source, write_folder

OLD_SOURCE_HEADER = ["source_id", "claimed_by", "claimed_by_type", "cited_work", "article", "article_author",
                     "publication", "publisher", "year", "url"]


def stats(source_id: str = "imf-dots-russia", **kw) -> dict:
    return {"source_id": source_id, "kind": "statistics", "publisher": "IMF", "dataset": "DOTS",
            "reporter": "Russia", "year": "2022", "retrieved": "2022-02-02", **kw}


def value(series_id: str, v: str, *, indicator_id: str = "russia-trade", entity: str = "China",
          period: str = "2015", estimate: str = "false", source_id: str = "imf-dots-russia", **kw) -> dict:
    return {"series_id": series_id, "indicator_id": indicator_id, "entity": entity, "period": period, "value": v,
            "estimate": estimate, "source_id": source_id, **kw}


def messages(parsed) -> list[str]:
    return [str(e) for e in parsed.errors]


def test_an_old_sources_file_without_the_new_columns_still_validates():
    old = csv_bytes("sources", [source("a", "Author A")], header=OLD_SOURCE_HEADER)
    p = parse_table("sources.csv", old, "sources")
    assert p.errors == [] and p.rows[0].kind.value == "text" and p.rows[0].reporter is None
    typo = parse_table("sources.csv", old.replace(b"url", b"ulr", 1), "sources")
    assert messages(typo) == ["sources.csv:1:ulr: unknown column 'ulr' (did you mean 'url'?)"]
    no_publisher = [c for c in OLD_SOURCE_HEADER if c != "publisher"]
    assert "missing column 'publisher'" in messages(parse_table("sources.csv", csv_bytes("sources", [source("a")], header=no_publisher), "sources"))[0]


def test_a_statistical_source_needs_no_article_but_says_whose_statistics():
    p = parse_table("sources.csv", csv_bytes("sources", [stats()]), "sources")
    assert p.errors == [] and p.rows[0].reporter == "Russia" and p.rows[0].article is None
    rows = [stats("a", reporter=""), stats("b", claimed_by="Chen Yu"), stats("c", retrieved="2022-13-01"),
            source("d", "Author D", article=""), {**source("e", "Author E"), "kind": "survey"}]
    assert messages(parse_table("sources.csv", csv_bytes("sources", rows), "sources")) == [
        "sources.csv:2:reporter: reporter is required when kind is statistics",
        "sources.csv:3:claimed_by: claimed_by must be empty when kind is statistics (the publisher states the figures)",
        "sources.csv:4:retrieved: '2022-13-01' is not a real calendar date (month must be in 1..12)",
        "sources.csv:5:article: article is required when kind is text",
        "sources.csv:6:kind: Input should be 'text', 'statistics' or 'estimates'",
    ]


@pytest.mark.parametrize("row, column, expected", [
    (value("s1", "1e3"), "value", "expected a plain number"),
    (value("s1", "5,000"), "value", "without thousands separators"),
    (value("s1", "5", period="2015/2011"), "period", "a window runs from an earlier period to a later one"),
    (value("s1", "5", period="2011-2015"), "period", "a year (2015), a window of years"),
    (value("s1", "5", period="2021-11/2022-02"), "period", "the months of a part-year lie in one year"),
    (value("s1", "5", period="2022-01/2022-13"), "period", "'2022-13' is not a real calendar date"),
    (value("s1", "5", period="2015-02-30"), "period", "'2015-02-30' is not a real calendar date"),
    (value("s1", "5", low="4"), "high", "low and high go together"),
    (value("s1", "5", low="6", high="9"), "value", "value 5 is not within low 6 and high 9"),
    (value("s1", "5", estimate="yes"), "estimate", "expected true or false"),
    (value("s1", "5", estimate=""), "estimate", "required"),
    (value("s" * 161, "5"), "series_id", "at most 160"),
])
def test_a_series_row_says_what_is_wrong(row, column, expected):
    p = parse_table("series.csv", csv_bytes("series", [row]), "series")
    assert len(p.errors) == 1 and p.errors[0].column == column and expected in p.errors[0].message, messages(p)


def folder(tmp_path, series: list[dict], links: list[dict] | None = None, sources: list[dict] | None = None):
    tables = {
        "sources": sources or [source("a", "Author A"), stats(), stats("sipri", reporter="SIPRI")],
        "indicators": [indicator("trade"), indicator("russia-trade"), indicator("russia-trade-share", "percent"),
                       indicator("russia-trade-partner-rank", "rank"), indicator("arms", "tiv_mn")],
        "observations": [obs("o1", "69", entity="China–Russia")],
        "series": series,
    }
    if links is not None:
        tables["links"] = links
    return load_folder(write_folder(tmp_path / "data", **tables))


def test_cross_table_rules_for_series(tmp_path):
    result = folder(tmp_path, [
        value("ok", "63.552217219"), value("w", "1796.65", indicator_id="arms", entity="India", period="2011/2015",
                                           source_id="sipri"),
        value("s1", "100.5", indicator_id="russia-trade-share"), value("r1", "1.5", indicator_id="russia-trade-partner-rank"),
        value("r0", "0", indicator_id="russia-trade-partner-rank", entity="Macao"),
        value("t1", "5", source_id="a", entity="Japan"), value("n1", "5", indicator_id="nope", entity="Chile"),
        value("d1", "64", period="2015"),
    ])
    assert sorted(str(e) for e in result.errors) == sorted([
        "series.csv:4:value: a percent cannot exceed 100",
        "series.csv:5:value: a rank is a whole number",
        "series.csv:6:value: a rank cannot be below 1",
        "series.csv:7:source_id: source 'a' is of kind text: a series value needs a source of kind statistics or estimates",
        "series.csv:8:indicator_id: unknown indicator_id 'nope': not in indicators.csv",
        "series.csv:9:period: a second value for russia-trade / China / 2015 from imf-dots-russia (first at row 2)",
    ])


def test_links_join_a_claim_to_series_of_the_same_unit(tmp_path):
    series = [value("v1", "63.55"), value("v2", "1", indicator_id="russia-trade-partner-rank")]
    good = {"link_id": "l1", "indicator_id": "trade", "entity": "China–Russia", "series_indicator_id": "russia-trade",
            "series_entity": "China"}
    result = folder(tmp_path, series, [good])
    assert result.ok, [str(e) for e in result.errors]
    got = claim_series(result.dataset, "trade", "China–Russia")
    assert got[["indicator_id", "entity", "reporter", "period", "value", "unit", "via_link"]].values.tolist() == [
        ["russia-trade", "China", "Russia", "2015", "63.55", "usd_bn", "l1"]]
    bad = [{**good, "link_id": "l2", "series_entity": "Chnia"},
           {**good, "link_id": "l3", "entity": "China-Russia"},
           {**good, "link_id": "l4", "series_indicator_id": "russia-trade-partner-rank"}]
    result = folder(tmp_path / "2", series, bad)
    assert [str(e) for e in result.errors] == [
        "links.csv:2:series_entity: no row of series.csv has indicator_id 'russia-trade' and entity 'Chnia'",
        "links.csv:3:entity: no observation of trade has entity 'China-Russia'; its entities: China–Russia",
        "links.csv:4:series_indicator_id: russia-trade-partner-rank is in rank but trade is in usd_bn: "
        "a link joins figures of one unit",
    ]


def test_what_validation_accepts_is_written_back_and_reads_the_same(real):
    for table in TABLES:
        written = to_csv(table, real.parsed[table].rows)
        again = parse_table(f"{table}.csv", written, table)
        assert again.errors == [] and [r.model_dump() for r in again.rows] == [r.model_dump() for r in real.parsed[table].rows]
        if table in ("series", "indicators", "sources", "links"):  # written by the import: byte for byte
            assert written == (DATA / f"{table}.csv").read_bytes(), table


def test_a_tiny_or_huge_value_is_written_positionally_and_reads_back(tmp_path):
    rows = [value("a", "0.0000001"), value("b", "123456789012345678901234567890.5", entity="Japan"),
            value("c", "0.10", entity="India", estimate="true")]
    parsed = parse_table("series.csv", csv_bytes("series", rows), "series")
    written = to_csv("series", parsed.rows)
    assert b",0.0000001," in written and b"E" not in written and b",0.10,true," in written
    assert to_csv("series", parse_table("series.csv", written, "series").rows) == written


def test_the_folders_series_and_links_serve_every_claim_a_series_can_test(real):
    d = real.dataset
    claims = {("china-russia-trade", "China–Russia"): {"china-trade", "russia-trade"},
              ("russia-vietnam-trade", "Russia–Vietnam"): {"russia-trade", "vietnam-trade"},
              ("russia-europe-trade", "Europe"): {"russia-trade"},
              ("russia-trade-share", "Europe"): {"russia-trade-share"},
              ("russia-trade-share", "China"): {"russia-trade-share"},
              ("russia-trade-partner-rank", "China"): {"russia-trade-partner-rank"},
              ("china-trade-partner-rank", "Russia"): {"china-trade-partner-rank"},
              ("russia-arms-export-share", "Asia Pacific"): {"russia-arms-export-share"},
              ("russian-arms-importer-rank", "Vietnam"): {"russia-arms-importer-rank"},
              ("russian-arms-importer-rank", "Venezuela"): {"russia-arms-importer-rank"},
              ("russia-china-crude-exports", "Russia"): {"china-crude-imports"},
              ("russia-china-crude-exports-value", "Russia"): {"china-crude-imports-value"}}
    for (indicator_id, entity), expected in claims.items():
        got = claim_series(d, indicator_id, entity)
        assert set(got["indicator_id"]) == expected and {"2015", "2011/2015"} & set(got["period"]), (indicator_id, entity)
    assert set(series_table(d)["reporter"]) == {"China", "Russia", "Vietnam", "SIPRI", "ICSR"}
    assert {s.source_id for s in d.rows("sources") if isinstance(s, Source) and s.kind.value == "statistics"} == {
        "imf-dots-china", "imf-dots-russia", "imf-dots-vietnam", "sipri-arms-transfers", "china-customs"}
    assert {s.source_id for s in d.rows("sources") if isinstance(s, Source) and s.kind.value == "estimates"} == {
        "icsr-foreign-fighters"}
    recruits = claim_series(d, "isis-recruits", "Uzbekistan")
    assert set(recruits["reporter"]) == {"ICSR"} and set(recruits["period"]) == {"2015-01-26"}
    assert columns(TABLES["series"])[:5] == ["series_id", "indicator_id", "entity", "period", "value"]
