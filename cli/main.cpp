// sdgen: generate, write, read back and verify storage test data with exact ratios.
#include <cstdio>
#include <exception>

#include "commands.hpp"
#include "sdgen/error.hpp"

int main(int argc, char** argv) {
  CLI::App app{"sdgen " SDGEN_VERSION ": storage test data with exact dedup and compression ratios"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "sdgen " SDGEN_VERSION);
  int exit_code = 0;
  sdgen::cli::add_cat_command(app, exit_code);
  sdgen::cli::add_analyze_command(app, exit_code);
  sdgen::cli::add_bench_command(app, exit_code);
  sdgen::cli::add_selftest_command(app, exit_code);
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::fprintf(stderr, "sdgen: error: %s\n", e.what());
    return 2;
  } catch (const sdgen::Error& e) {
    std::fprintf(stderr, "sdgen: error: %s\n", e.what());
    return sdgen::exit_code(e.kind());
  } catch (const std::exception& e) {
    std::fprintf(stderr, "sdgen: error: %s\n", e.what());
    return 1;
  }
  return exit_code;
}
