"""Races bench/soak.py found between gunicorn workers sharing one search index, replayed here
deterministically: another process's commit replacing files under a reader or a writer."""

import threading

import pytest
from searchkit import connected

from search_index import store as store_module


@pytest.fixture
def public_store(site):
    site._bind()
    return site.service.stores["public"]


def test_a_search_whose_kept_searcher_lost_its_files_is_answered_by_a_fresh_one(site, public_store):
    with site.app.app_context(), connected():
        kept = public_store.searcher()

        def vanished(*args, **kwargs):  # what Whoosh raises when a segment file was deleted meanwhile
            raise TypeError("'NoneType' object is not subscriptable")

        kept.stored_fields = vanished
        page = site.service.public.search("2993-QĐ/TU")
        assert page.total == 1 and len(page.ids) == 1
        assert public_store.searcher() is not kept


def test_an_index_whose_table_of_contents_is_being_replaced_still_exists(public_store, monkeypatch):
    real, calls = store_module.whoosh_index.exists_in, []

    def replaced_once(*args, **kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise FileNotFoundError("_MAIN_7.toc")  # listed, then deleted by another commit
        return real(*args, **kwargs)

    monkeypatch.setattr(store_module.whoosh_index, "exists_in", replaced_once)
    assert public_store.exists()
    assert len(calls) == 2


def test_two_processes_writing_the_outbox_position_at_once(public_store, monkeypatch, tmp_path):
    """Another writer sets its position between this one's temporary write and its rename."""
    real_replace, interleaved = store_module.os.replace, []

    def replace(source, target):
        if not interleaved:
            interleaved.append(1)
            other = threading.Thread(target=public_store.set_position, args=(41, tmp_path))
            other.start()
            other.join()
        real_replace(source, target)

    monkeypatch.setattr(store_module.os, "replace", replace)
    public_store.set_position(42, tmp_path)
    assert public_store.position(tmp_path) == 42
