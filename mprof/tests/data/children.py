"""Two child processes that each hold memory for a while, for `mprof run -M` / `-C`."""
import multiprocessing
import time


def hold(mib, seconds):
    data = bytearray(mib * 1024 * 1024)
    time.sleep(seconds)
    return len(data)


if __name__ == "__main__":
    procs = [multiprocessing.Process(target=hold, args=(m, 0.6)) for m in (20, 40)]
    for p in procs:
        p.start()
    parent = bytearray(10 * 1024 * 1024)
    for p in procs:
        p.join()
