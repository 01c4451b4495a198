"""The fuzz families of .ci/fuzz.py, in one list: a family is a function of the Fuzzer, registered
with @family("name"); the suite runs them in turn, in registration order, until its budget ends,
and prints one row of the table per family."""

FAMILIES = []


def family(name):
    def register(function):
        FAMILIES.append((name, function))
        return function
    return register
