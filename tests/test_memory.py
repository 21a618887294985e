"""The build memory on disk: the parts kept for each document in shards, of which a rebuild writes only those that changed."""

from __future__ import annotations

from pathlib import Path

from generator.build import build
from generator.incremental import memory
from tests.test_incremental import assert_same_as_clean_build, change_body, documents, synthetic_edition


def shard_files(cache: Path) -> set[str]:
    return {path.name for path in cache.glob(memory.SHARD_FILE.format(number="*", token="*"))}


def built_edition(tmp_path: Path) -> tuple[Path, Path, memory.BuildMemory]:
    """A small edition built once: its folder, its cache and the memory the build saved there."""
    edition = synthetic_edition(tmp_path / "edition")
    cache = edition / ".edition-cache"
    build(edition)
    kept = memory.read_memory(cache)
    assert kept is not None
    return edition, cache, kept


def test_a_rebuild_writes_again_only_the_shard_of_the_document_that_changed(tmp_path: Path) -> None:
    edition, cache, kept = built_edition(tmp_path)
    before = dict(kept.shard_files)
    assert shard_files(cache) == set(before.values())
    assert set(before) == {memory.shard_of(path.stem) for path in documents(edition)}
    changed = documents(edition)[3].stem
    change_body(edition)
    assert build(edition).pages_written
    now = memory.read_memory(cache)
    assert now is not None
    assert [number for number in before if now.shard_files[number] != before[number]] == [memory.shard_of(changed)]
    assert shard_files(cache) == set(now.shard_files.values())  # the shard's last file is gone
    assert "A sentence added" in now.documents[changed][0].body
    assert_same_as_clean_build(edition, tmp_path)


def test_a_memory_without_one_of_its_shards_is_not_used(tmp_path: Path) -> None:
    edition, cache, kept = built_edition(tmp_path)
    (cache / kept.shard_files[memory.shard_of(documents(edition)[0].stem)]).unlink()
    assert memory.read_memory(cache) is None
    change_body(edition)
    result = build(edition)
    assert not result.diagnostics.errors
    assert result.pages_written > len(documents(edition)) * 6  # made whole: every document's page and exports
    assert memory.read_memory(cache) is not None
    assert_same_as_clean_build(edition, tmp_path)
