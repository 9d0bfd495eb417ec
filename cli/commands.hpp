// Each command registers itself as a CLI11 subcommand whose callback does the work.
#pragma once

#include <CLI/CLI.hpp>

namespace sdgen::cli {

void add_cat_command(CLI::App& root, int& exit_code);
void add_analyze_command(CLI::App& root, int& exit_code);
void add_bench_command(CLI::App& root, int& exit_code);
void add_put_command(CLI::App& root, int& exit_code);
void add_get_command(CLI::App& root, int& exit_code);
void add_verify_command(CLI::App& root, int& exit_code);
void add_selftest_command(CLI::App& root, int& exit_code);

}  // namespace sdgen::cli
