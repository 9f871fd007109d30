"""Draw the transition table as a Mermaid state diagram."""

from __future__ import annotations

from collections import defaultdict

from skill.dialogue import table as tables
from skill.dialogue.machine import Machine


def mermaid(machine: Machine) -> str:
    """A Mermaid ``stateDiagram-v2`` of every move between states; staying put is listed in a note."""
    labels: dict[tuple[str, str], list[str]] = defaultdict(list)
    stays: dict[str, list[str]] = defaultdict(list)
    for source, event, target in tables.edges(machine.table, machine.nodes, machine.events):
        if target == source:
            stays[source].append(event)
        elif event not in labels[(source, target)]:
            labels[(source, target)].append(event)
    lines = ["stateDiagram-v2", f"    [*] --> {tables.INITIAL}: new session"]
    for (source, target), events in labels.items():
        end = "[*]" if target == tables.END else target
        lines.append(f"    {source} --> {end}: {', '.join(events)}")
    for node in machine.nodes:
        if stays[node]:
            lines.append(f"    note right of {node}: stays on {', '.join(sorted(set(stays[node])))}")
    return "\n".join(lines) + "\n"
