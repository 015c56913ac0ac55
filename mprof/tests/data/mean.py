"""The seed's means, profiled by memory_profiler, for `mprof run`."""
import time


@profile
def mean_list(n):
    nums = list(range(n))
    return sum(nums) / len(nums)


@profile
def mean_gen(n):
    total = 0
    count = 0
    for x in range(n):
        total += x
        count += 1
    return total / count


@profile
def both(n):
    a = mean_list(n)
    b = mean_gen(n // 10)
    return a, b


if __name__ == "__main__":
    mean_list(10**6)
    time.sleep(0.1)
    both(10**6)
