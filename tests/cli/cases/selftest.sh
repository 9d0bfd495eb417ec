# The pinned data format and every kernel this CPU has, against the reference. Which kernels run
# depends on the CPU, so only the final count is pinned.
sd_to selftest.txt selftest
grep -F "selftest: " selftest.txt | tail -n 1
