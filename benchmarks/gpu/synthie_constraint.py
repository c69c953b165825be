"""SynthIE's constrained decoding rule as a Hugging Face ``prefix_allowed_tokens_fn``.

Plain Python (no torch needed for the rule itself), so it can be checked on any machine against the reference cases in
``shared/data/synthie/prefix-allowed-cases.json`` (``check_cpu.py``). The rule, as SynthIE applies it to the whole
decoder prefix at every step (``docs/decoding-spec.md`` in the shared folder, section 2.3):

* after the end token nothing is allowed;
* the last complete marker (``[s]``, ``[r]``, ``[o]``, ``[e]``; none yet counts as the start) says which part is being
  written, and the ids after it are the part so far;
* if those ids end with the first k ids of a marker that may come next, only that marker's id k is allowed (the
  longest k per marker, the union over the markers that may come next);
* otherwise: at the start or after ``[e]``, the end token or the first id of ``[s]``; after ``[r]``, the continuations
  of the part in the relation trie; after ``[s]`` or ``[o]``, its continuations in the entity trie. Where a name may
  end, the first ids of the markers that may follow it are allowed too (SynthIE's trie holds the end token there and
  swaps it for them).

Markers that may follow: start and ``[e]`` -> ``[s]``; ``[s]`` -> ``[r]``; ``[r]`` -> ``[o]``; ``[o]`` -> ``[e]``
(fully expanded) or ``[r]`` and ``[e]`` (subject collapsed).
"""

from __future__ import annotations

from typing import Iterable, Sequence

START, SUBJECT, RELATION, OBJECT, CLOSED = "start", "subject", "relation", "object", "closed"
# Marker index -> the part it opens.
_PHASE_OF_MARKER = (SUBJECT, RELATION, OBJECT, CLOSED)
_END = -1  # key of a trie node where a name ends


def build_trie(names: Iterable[Sequence[int]]) -> dict:
    """A trie of token-id sequences (names without the end token) as nested dicts; key -1 marks where a name ends."""
    root: dict = {}
    for name in names:
        node = root
        for token in name:
            node = node.setdefault(int(token), {})
        node[_END] = True
    return root


class SynthIEConstraint:
    """The allowed next tokens of a decoder prefix (ids starting with the decoder start token), as SynthIE's rule gives them."""

    def __init__(self, entities, relations, markers, eos_token_id=1, collapses_subjects=False, entity_trie=None, relation_trie=None):
        if len(markers) != 4:
            raise ValueError("markers: the ids of [s], [r], [o], [e] (end token removed)")
        self.markers = [tuple(int(t) for t in m) for m in markers]
        self.eos = int(eos_token_id)
        self.entities = entity_trie if entity_trie is not None else build_trie(entities)
        self.relations = relation_trie if relation_trie is not None else build_trie(relations)
        self.next_markers = {
            START: (0,),
            CLOSED: (0,),
            SUBJECT: (1,),
            RELATION: (2,),
            OBJECT: (1, 3) if collapses_subjects else (3,),
        }

    def _last_marker(self, ids: Sequence[int]):
        """(phase, index after the last complete marker); (START, 0) when there is none."""
        for end in range(len(ids), 0, -1):
            for index, marker in enumerate(self.markers):
                size = len(marker)
                if end >= size and tuple(ids[end - size:end]) == marker:
                    return _PHASE_OF_MARKER[index], end
        return START, 0

    def allowed(self, ids: Sequence[int]) -> list[int]:
        """The token ids allowed after ``ids`` (which start with the decoder start token); empty after the end token."""
        ids = list(ids)
        if len(ids) > 1 and ids[-1] == self.eos:
            return []
        phase, start = self._last_marker(ids)
        part = ids[start:]
        following = self.next_markers[phase]

        continued = []
        for index in following:
            marker = self.markers[index]
            for k in range(len(marker) - 1, 0, -1):
                if len(part) >= k and tuple(part[-k:]) == marker[:k]:
                    if marker[k] not in continued:
                        continued.append(marker[k])
                    break
        if continued:
            return continued

        first_ids = []
        for index in following:
            if self.markers[index][0] not in first_ids:
                first_ids.append(self.markers[index][0])
        if phase in (START, CLOSED):
            return [self.eos] + [t for t in first_ids if t != self.eos]

        node = self.relations if phase == RELATION else self.entities
        for token in part:
            node = node.get(token)
            if node is None:
                return []
        allowed = [t for t in node if t != _END]
        if _END in node:
            allowed += [t for t in first_ids if t not in node]
        return allowed


def prefix_allowed_tokens_fn(constraint: SynthIEConstraint, fallback_token_id: int):
    """``prefix_allowed_tokens_fn(batch_id, input_ids)`` for ``generate``.

    Where the rule allows nothing (a row that already holds the end token: finished hypotheses and transformers'
    placeholder beams), ``[fallback_token_id]`` is returned instead of SynthIE's empty list, because transformers >= 4.36
    raises on an empty list (4.23.1 masked the whole row). Such rows are finished or placeholders: what they continue
    with is never part of a returned sequence.
    """

    def fn(batch_id, input_ids):
        allowed = constraint.allowed(input_ids.tolist() if hasattr(input_ids, "tolist") else input_ids)
        return allowed if allowed else [fallback_token_id]

    return fn
