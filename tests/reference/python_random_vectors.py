"""Prints the CPython `random` test vectors used by tests/NasPS.Tests/Spaces/PythonRandomTests.cs.

Run with any Python 3.2+ (no third-party packages): python3 tests/reference/python_random_vectors.py
"""
import random

for seed in (88, 0, -5, 2**40 + 7, -(2**63)):
    random.seed(seed)
    print(f"seed({seed}): getrandbits(32) x3 = {[random.getrandbits(32) for _ in range(3)]}")

random.seed(88)
print("seed(88): getrandbits(k) for k=1,5,17,31,32 =", [random.getrandbits(k) for k in (1, 5, 17, 31, 32)])

random.seed(12345)
print("seed(12345): randbelow(n) for n=1,2,3,7,100,1000,2**31-1 =",
      [random._inst._randbelow(n) for n in (1, 2, 3, 7, 100, 1000, 2**31 - 1)])

random.seed(2024)
xs = list(range(10))
random.shuffle(xs)
print("seed(2024): shuffle(range(10)) =", xs)

random.seed(88)
xs = list(range(15625))
random.shuffle(xs)
print("seed(88): shuffle(range(15625)) first 5 / last 3 =", xs[:5], xs[-3:])
