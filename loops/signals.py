"""What a loop tells the apps above it, which ``loops`` never imports (STYLE.md §1). Each
signal is sent inside the transaction of the change, so a receiver's writes commit or roll
back with it; receivers record, they never decide (integrations.receivers)."""

from django.dispatch import Signal

# Sent by loops.services.loop_move with loop, previous (the status it left), by.
loop_status_changed = Signal()
