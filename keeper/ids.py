"""The bound on object ids, for the inputs that validate them and the reads that look them up."""

# The largest id a bigint column holds. A larger one names no object: an input refuses it
# with a 400 and a read finds nothing, where the database would refuse it as a parameter (a 500).
ID_MAX = 2**63 - 1
