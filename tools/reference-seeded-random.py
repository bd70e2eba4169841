#!/usr/bin/env python3
"""Independent SplitMix64 and seeded shuffle (Fisher-Yates from the back, index = output mod (i + 1))
in Python integers, for Tests/SeededRandomTests. Run by hand: python3 tools/reference-seeded-random.py"""
MASK = (1 << 64) - 1


def splitmix64(seed):
    state = seed
    while True:
        state = (state + 0x9E3779B97F4A7C15) & MASK
        z = state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
        yield z ^ (z >> 31)


def shuffled(count, seed):
    values, generator = list(range(count)), splitmix64(seed)
    for last in range(count - 1, 0, -1):
        other = next(generator) % (last + 1)
        values[last], values[other] = values[other], values[last]
    return values


generator = splitmix64(0)
print("outputs(seed 0):", [hex(next(generator)) for _ in range(3)])
for count, seed in [(10, 1), (17, 42), (100, 7)]:
    print(f"shuffled({count}, seed {seed}):", shuffled(count, seed))
generator = splitmix64(99)
print("indexBelow(seed 99, bounds 1...12):", [next(generator) % bound for bound in range(1, 13)])
