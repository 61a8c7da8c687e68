"""What scorecards tell the apps above them (integrations), sent inside the transaction of
the change, so a receiver's writes commit or roll back with it."""

from django.dispatch import Signal

# Sent by scorecards.services.scorecard_submit with scorecard, once the card is sealed.
scorecard_submitted = Signal()
# Sent by scorecards.services.keeper_decision_record with decision (the KeeperDecision).
loop_decided = Signal()
