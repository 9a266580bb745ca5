"""The default summariser: the item's own sentences, picked and trimmed, offline.

No model and no network. The text is split into sentences, each is scored for the three
things an entry tells (the problem, the proposal, the result), and the headline is the
proposal (or result) sentence reworded and cut back where a clause ends; `assemble` puts
the draft together (the headline, a summary paragraph and a post) from the modules beside it.

This module holds only the backend's class: checking a workspace's settings loads the class
of every backend they name, and that should not compile the drafting rules (`reword`,
`roles`, `headline`...), which load with the first draft.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from mlnews import lazy
from mlnews.drafts import Draft, Source

if TYPE_CHECKING:
    from mlnews.summarise import assemble
else:  # loaded with the first draft
    assemble = lazy.load("mlnews.summarise.assemble")


class ExtractiveSummariser:
    name = "extractive"
    description = "The item's own sentences, picked and trimmed: offline, no model."

    def draft(self, source: Source) -> Draft:
        return assemble.draft(source)
