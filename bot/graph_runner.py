"""Runs the loaded Rasa model's graph in plain Python.

Rasa 3.6 schedules every prediction through dask, and recomputes the part of the graph it
needs on every call. For one message on one thread that scheduling costs more than some of
the model's own steps. This runner executes the same loaded nodes, in the same dependency
order, computing each target set's plan once.
"""
from __future__ import annotations

from graphlib import TopologicalSorter
from typing import Any, Dict, List, Optional, Text, Tuple

from rasa.engine.runner.dask import DaskGraphRunner
from rasa.engine.runner.interface import GraphRunner

Plan = List[Tuple[Text, List[Text]]]


class SequentialGraphRunner(GraphRunner):
    """Executes the nodes a DaskGraphRunner loaded, without dask."""

    def __init__(self, loaded: DaskGraphRunner) -> None:
        # Rasa 3.6.21 keeps the schema and the instantiated nodes on the runner it loads.
        self._schema = loaded._graph_schema
        self._nodes = loaded._instantiated_nodes
        self._plans: Dict[Tuple[Text, ...], Plan] = {}

    @classmethod
    def create(cls, *args: Any, **kwargs: Any) -> "SequentialGraphRunner":
        return cls(DaskGraphRunner.create(*args, **kwargs))

    def _plan(self, targets: Tuple[Text, ...]) -> Plan:
        if targets not in self._plans:
            schema = self._schema.minimal_graph_schema(list(targets))
            order = TopologicalSorter(
                {name: [n for n in node.needs.values() if n in schema.nodes] for name, node in schema.nodes.items()}
            ).static_order()
            self._plans[targets] = [(name, list(schema.nodes[name].needs.values())) for name in order]
        return self._plans[targets]

    def run(self, inputs: Optional[Dict[Text, Any]] = None, targets: Optional[List[Text]] = None) -> Dict[Text, Any]:
        wanted = tuple(targets or self._schema.target_names)
        # Like dask, a node receives (name, value) pairs from the nodes and inputs it needs.
        results: Dict[Text, Tuple[Text, Any]] = {name: (name, value) for name, value in (inputs or {}).items()}
        for name, needs in self._plan(wanted):
            results[name] = self._nodes[name](*(results[n] for n in needs))
        return dict(results[target] for target in wanted)
