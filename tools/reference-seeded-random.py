#!/usr/bin/env python3
"""Independent SplitMix64 and seeded shuffle (forward Fisher-Yates, Lemire's bounded draw) in Python
integers, for Tests/SeededRandomTests. Run by hand: python3 tools/reference-seeded-random.py"""
MASK = (1 << 64) - 1


def splitmix64(seed):
    state = seed
    while True:
        state = (state + 0x9E3779B97F4A7C15) & MASK
        z = state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
        yield z ^ (z >> 31)


def index_below(generator, bound):
    product = next(generator) * bound
    if product & MASK < bound:
        threshold = ((1 << 64) - bound) % bound
        while product & MASK < threshold:
            product = next(generator) * bound
    return product >> 64


def shuffled(count, seed):
    values, generator = list(range(count)), splitmix64(seed)
    for position in range(count - 1):
        offset = index_below(generator, count - position)
        values[position], values[position + offset] = values[position + offset], values[position]
    return values


generator = splitmix64(0)
print("outputs(seed 0):", [hex(next(generator)) for _ in range(3)])
for count, seed in [(10, 1), (17, 42), (100, 7)]:
    print(f"shuffled({count}, seed {seed}):", shuffled(count, seed))
generator = splitmix64(99)
print("indexBelow(seed 99, bounds 1...12):", [index_below(generator, bound) for bound in range(1, 13)])
# A bound of 3·2⁶¹ rejects a quarter of the draws, so the rejection loop runs.
generator = splitmix64(5)
print("indexBelow(seed 5, bound 3·2^61) ×8:", [index_below(generator, 3 << 61) for _ in range(8)])
