"""Every page of the sample edition is valid HTML for the W3C Nu Html Checker."""

from pathlib import Path

import pytest

from tests.support.checkers import nu_check

pytestmark = pytest.mark.checkers


def test_sample_edition_pages_have_no_nu_errors(sample_site: Path, bilingual_site: Path) -> None:
    # The bilingual test edition (versions, facsimiles) goes in the same run: the checker is slow to start.
    pages = sorted(sample_site.rglob("*.html")) + sorted(bilingual_site.rglob("*.html"))
    errors = nu_check([*pages, *sorted(sample_site.rglob("*.css"))])
    assert [str(e) for e in errors] == []
