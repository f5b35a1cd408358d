"""manage.py opinion_groups ID [--json]: recompute a conversation's opinion
groups now and print them: groups with their members (participant numbers),
representative statements per group, consensus and divisive statements."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand

from wegov.opinions.models import OpinionAnalysis, Statement

from ._common import conversation_by_id

TEXT_WIDTH = 70


def describe(conversation_id: int, analysis: OpinionAnalysis | None) -> dict:
    """The JSON the command prints: statements and participants by number."""
    result = analysis.result if analysis is not None else {}
    groups = result.get("groups", [])
    return {
        "conversation": conversation_id,
        "groups": [
            {"label": g["label"], "size": g.get("size", len(g["members"])), "members": g["members"]}
            for g in groups
        ],
        "representative": {
            str(g["label"]): [r["statement"] for r in g.get("representative", [])] for g in groups
        },
        "consensus": [c["statement"] for c in result.get("consensus", [])],
        "divisive": [d["statement"] for d in result.get("divisive", [])],
    }


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= TEXT_WIDTH else text[: TEXT_WIDTH - 1] + "…"


class Command(BaseCommand):
    help = (
        "Recompute a conversation's opinion groups now and print the groups, their "
        "representative statements, and the consensus and divisive statements."
    )

    def add_arguments(self, parser):
        parser.add_argument("conversation_id")
        parser.add_argument("--json", action="store_true", help="print JSON")

    def compute(self, conversation_id: int) -> OpinionAnalysis | None:
        from wegov.opinions.analysis import recompute

        return recompute(conversation_id)

    def handle(self, *args, **options):
        conversation = conversation_by_id(options["conversation_id"])
        analysis = self.compute(conversation.pk)
        data = describe(conversation.pk, analysis)
        if options["json"]:
            self.stdout.write(json.dumps(data))
            return
        self.stdout.write(f"Conversation {conversation.pk}: {conversation.topic}")
        if analysis is None:
            self.stdout.write(
                "Too few participants have voted on enough statements to form opinion groups."
            )
            return
        silhouette = (
            f", silhouette {analysis.silhouette:.2f}" if analysis.silhouette is not None else ""
        )
        self.stdout.write(
            f"{analysis.participant_count} participants cast {analysis.vote_count} votes; "
            f"{analysis.grouped_count} are in {analysis.group_count} opinion groups{silhouette}."
        )
        texts = dict(
            Statement.objects.filter(conversation=conversation).values_list("number", "text")
        )
        result = analysis.result
        for group in result.get("groups", []):
            size = group.get("size", len(group["members"]))
            self.stdout.write("")
            self.stdout.write(f"Group {group['label']}: {size} participants")
            for rep in group.get("representative", []):
                self.stdout.write(self._line(rep, texts))
        for title, key in (("Consensus", "consensus"), ("Divisive", "divisive")):
            self.stdout.write("")
            rows = result.get(key, [])
            self.stdout.write(f"{title}: {'none' if not rows else ''}".rstrip())
            for row in rows:
                self.stdout.write(self._line(row, texts))

    @staticmethod
    def _line(row: dict, texts: dict[int, str]) -> str:
        number = row["statement"]
        if "p" in row:  # representative: the group's share
            how = f"{round(100 * row['p'])}% {row['direction']}"
        elif "direction" in row:  # consensus
            how = f"all {row['direction']}"
        else:  # divisive
            how = f"spread {row.get('spread', 0):.2f}"
        return f"  #{number:<4} {how:<12} {_short(texts.get(number, ''))}"
