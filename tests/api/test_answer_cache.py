"""The JSON answers of a build are computed once: the same bytes again, a strong ETag, 304 on If-None-Match."""

from __future__ import annotations

import httpx

from api.routes.dependencies import AnswerCache
from graph.store.embedded import OxigraphStore


def test_named_question_is_cached_with_a_strong_etag(client: httpx.Client, built_store: OxigraphStore) -> None:
    first = client.get("/sdg/targets/8.7/flagships")
    again = client.get("/sdg/targets/8.7/flagships")
    assert first.status_code == again.status_code == 200
    assert first.headers["content-type"] == "application/json"
    etag = first.headers["etag"]
    assert not etag.startswith("W/") and built_store.build_id in etag
    assert again.headers["etag"] == etag and again.content == first.content
    assert first.json()["target"]["id"] == "sdg:8.7"
    not_modified = client.get("/sdg/targets/8.7/flagships", headers={"If-None-Match": etag})
    assert not_modified.status_code == 304 and not_modified.content == b""
    other = client.get("/sdg/targets/8.5/flagships", headers={"If-None-Match": etag})
    assert other.status_code == 200 and other.headers["etag"] != etag


def test_errors_are_not_cached(client: httpx.Client) -> None:
    for _ in range(2):
        missing = client.get("/flagships/no-such-flagship")
        assert missing.status_code == 404 and "etag" not in missing.headers


def test_cache_keeps_its_bounds() -> None:
    cache = AnswerCache(entries=2, max_bytes=10)
    cache.put("a", b"1234")
    cache.put("b", b"1234")
    assert cache.get("a") == b"1234"  # a is now the most recently used
    cache.put("c", b"1234")  # over 10 bytes: b goes first
    assert cache.get("b") is None and cache.get("a") == b"1234" and cache.get("c") == b"1234"
    cache.put("big", b"x" * 11)  # larger than the whole cache: not kept
    assert cache.get("big") is None and len(cache) == 2
    off = AnswerCache(entries=0, max_bytes=10)
    off.put("a", b"1")
    assert off.get("a") is None


def test_an_answer_at_an_address_a_browser_gets_a_page_for_varies_by_accept(client: httpx.Client) -> None:
    """A cache must not hand a browser the JSON (or a program the page) of an address that answers both."""
    for url in ("/flagships", "/flagships/ipec-plus", "/bienniums", "/instruments", "/sdg/targets/8.7", "/sdg/goals"):
        data = client.get(url, headers={"Accept": "application/json"})
        page = client.get(url, headers={"Accept": "text/html"})
        assert data.headers["content-type"] == "application/json", url
        # a page, or the way to the page of the thing (303 to /id/...)
        assert page.status_code == 303 or page.headers["content-type"].startswith("text/html"), url
        for response in (data, page):
            assert "accept" in response.headers.get("vary", "").lower(), (url, response.headers.get("content-type"))
        revalidated = client.get(url, headers={"Accept": "application/json", "If-None-Match": data.headers["etag"]})
        assert revalidated.status_code == 304 and "accept" in revalidated.headers["vary"].lower(), url
    # an answer only a program gets (no page at its address) does not vary
    alone = client.get("/resources/ipec-plus/neighbourhood", headers={"Accept": "application/json"})
    assert alone.status_code == 200 and "accept" not in alone.headers.get("vary", "").lower()
