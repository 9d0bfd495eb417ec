// sdgen: generate, write, read back and verify storage test data with exact ratios.
#include <csignal>
#include <cstdio>
#include <exception>

#include "commands.hpp"
#include "sdgen/error.hpp"
#include "transfer.hpp"

int main(int argc, char** argv) {
  // Past a file size limit (ulimit -f) the kernel kills the writer with SIGXFSZ unless it is
  // ignored; ignored, the write fails with EFBIG and the object is reported failed and removed.
  std::signal(SIGXFSZ, SIG_IGN);
  CLI::App app{"sdgen " SDGEN_VERSION ": storage test data with exact dedup and compression ratios"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "sdgen " SDGEN_VERSION);
  int exit_code = 0;
  sdgen::cli::add_cat_command(app, exit_code);
  sdgen::cli::add_analyze_command(app, exit_code);
  sdgen::cli::add_bench_command(app, exit_code);
  sdgen::cli::add_put_command(app, exit_code);
  sdgen::cli::add_get_command(app, exit_code);
  sdgen::cli::add_verify_command(app, exit_code);
  sdgen::cli::add_selftest_command(app, exit_code);
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::RequiredError& e) {
    // CLI11 reports an unknown command as a missing one; name what was typed.
    bool known = false;
    for (const CLI::App* command : app.get_subcommands([](CLI::App*) { return true; }))
      known = known || (argc > 1 && command->get_name() == argv[1]);
    if (argc > 1 && argv[1][0] != '-' && !known) {
      std::fprintf(stderr, "sdgen: error: unknown command '%s' (use --help)\n", argv[1]);
      return 2;
    }
    std::fprintf(stderr, "sdgen: error: %s\n", e.what());
    return 2;
  } catch (const CLI::ParseError& e) {
    std::fprintf(stderr, "sdgen: error: %s\n", e.what());
    return 2;
  } catch (const sdgen::cli::Interrupted& e) {
    std::fprintf(stderr, "sdgen: error: %s\n", e.what());
    return e.exit_code();
  } catch (const sdgen::Error& e) {
    std::fprintf(stderr, "sdgen: error: %s\n", e.what());
    return sdgen::exit_code(e.kind());
  } catch (const std::exception& e) {
    std::fprintf(stderr, "sdgen: error: %s\n", e.what());
    return 1;
  }
  return exit_code;
}
