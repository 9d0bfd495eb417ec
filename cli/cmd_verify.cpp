// sdgen verify: re-generate a dataset from its manifest and compare it with what the storage
// holds, block by block; exit 3 when any object is missing, has the wrong size or differs.
#include "commands.hpp"
#include "read_back.hpp"

namespace sdgen::cli {

void add_verify_command(CLI::App& root, int& exit_code) {
  auto o = std::make_shared<ReadBackOptions>();
  o->verify = true;
  CLI::App* command = root.add_subcommand("verify", "Compare a dataset with its manifest, block by block");
  add_read_back_options(*command, *o);
  command->callback([o, &exit_code] { exit_code = run_read_back(*o, "verify"); });
}

}  // namespace sdgen::cli
