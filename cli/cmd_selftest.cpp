// sdgen selftest: known-answer checks of the data format and of every SIMD kernel.
#include <cstdio>

#include "commands.hpp"
#include "sdgen/selftest.hpp"

namespace sdgen::cli {

void add_selftest_command(CLI::App& root, int& exit_code) {
  CLI::App* command = root.add_subcommand("selftest", "Check that this build generates the pinned data format");
  command->callback([&exit_code] {
    int failed = 0;
    for (const SelftestCase& c : run_selftest()) {
      std::printf("%-4s %s (expected %016llx, got %016llx)\n", c.ok() ? "ok" : "FAIL", c.name.c_str(),
                  static_cast<unsigned long long>(c.expected), static_cast<unsigned long long>(c.actual));
      failed += !c.ok();
    }
    std::printf("selftest: %d failed\n", failed);
    exit_code = failed == 0 ? 0 : 3;
  });
}

}  // namespace sdgen::cli
