"""Incremental and parallel work: what a build keeps for the next one, and how it reuses it.

build.py calls the stages through this package, one function each: `loading.load`, `annotating.annotate`,
`indexing.index_edition`, `rendering.make_pages` and `make_exports`, `writing.write`. Each calls the stage modules
(content, annotate, markup, index, render, exports, output), which are plain functions over plain data, and
decides what to call them on: what the last build made from the same inputs is reused. The stage modules never
import this package (tests/test_import_graph.py checks it).

- `unchanged.py`: the no-op shortcut: nothing a build reads changed since the last one, whose output stands.
- `memory.py`: what a build keeps for the next one, on disk (`.edition-cache/`) or in a `session.BuildSession`
  that a long-running caller (the preview server) owns.
- `loading.py`, `annotating.py`, `indexing.py`, `rendering.py`, `writing.py`: each stage with its reuse, and
  the frozen record it gives the next (`Loaded`, `Texts`, the index, `Rendering`, `ToWrite`).
- `parallel_stages.py`: annotating and rendering in forked workers (the pool itself is `generator/parallel.py`,
  which the load stage and the exports use too).

Invariants the reuse depends on:

- **Identity of reused objects.** The parse memo (content.ParseMemo) hands back the very object the last build
  made from the same text, not an equal copy; so do the kept annotations, registers and parts of the index
  (index_with_parts). Digests are remembered by `tracking.Fingerprints` by `id()` of those objects, and
  loading.fingerprint_documents, indexing.fingerprint_index_parts and KeptRegisters.same_entries compare with `is`.
  A step that copies an object where it could pass it on still builds the same site, but loses the reuse
  (and an object must stay alive while its `id()` is registered: the memory holds them).
- **What each digest covers.** The settings digest: site.yml's settings, the theme's files other than templates
  and assets, the generator's code, the output folder and the search indexer; another one reuses nothing.
  A document's whole digest covers its metadata and its body; fingerprints know it by its metadata alone, so
  lists, neighbours and registers do not change with its body (what reads a body notes it, tracking.body_read).
  A kept annotation is keyed by the document's whole digest and the digest of every register name, and checked
  against the digests of the entries it mentions. A group of pages (rendering.page_groups) is keyed by the
  digests of what it is made from besides the settings; a page, by the digest of its template, path and values,
  and the results of the reads it made of the index, the edition, the bodies and the templates
  (tracking.ReadResults). The code digest covers the whole generator package.
- **Byte-identical output.** A rebuild writes exactly what a clean build would; tests/test_incremental.py checks
  it after each kind of change.
"""
