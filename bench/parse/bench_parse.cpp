// bench_parse: messages per second of Parser::parse on one thread over a realistic mix (the
// labelled corpus: orders in every style, 接龙 lists, English, chat, notices, commands), plus
// the worst cases (a 64 KB message, a line of 10,000 digits).
//
//   bench_parse [seconds] [corpus.jsonl]

#include "handlers/parse/parser.hpp"

#include "config/catalog_loader.hpp"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

using namespace supplybot::handlers;

namespace {

// The corpus is JSON lines; the bench only needs the "text" values, read without a JSON library.
std::string json_text_field(const std::string& line) {
  auto k = line.find("\"text\"");
  if (k == std::string::npos) return {};
  auto q = line.find('"', line.find(':', k) + 1);
  std::string out;
  for (std::size_t i = q + 1; i < line.size(); ++i) {
    char c = line[i];
    if (c == '"') break;
    if (c == '\\' && i + 1 < line.size()) {
      char n = line[++i];
      out.push_back(n == 'n' ? '\n' : n == 't' ? '\t' : n);
      continue;
    }
    out.push_back(c);
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  double seconds = argc > 1 ? std::atof(argv[1]) : 3.0;
  std::filesystem::path root(SUPPLYBOT_SOURCE_DIR);
  std::filesystem::path corpus = argc > 2 ? std::filesystem::path(argv[2]) : root / "tests/data/parse_corpus.jsonl";
  auto loaded = supplybot::config::load_catalog(root / "config/catalog.toml");
  if (!loaded.ok()) {
    for (const auto& e : loaded.errors) std::fprintf(stderr, "%s\n", e.c_str());
    return 1;
  }
  Parser parser(std::move(loaded.catalog));
  std::vector<std::string> mix;
  std::ifstream in(corpus);
  for (std::string line; std::getline(in, line);) {
    auto t = json_text_field(line);
    if (!t.empty()) mix.push_back(t);
  }
  if (mix.empty()) {
    std::fprintf(stderr, "no messages in %s\n", corpus.string().c_str());
    return 1;
  }
  std::size_t bytes = 0;
  for (const auto& m : mix) bytes += m.size();

  using clock = std::chrono::steady_clock;
  std::size_t n = 0, items = 0;
  auto start = clock::now();
  auto deadline = start + std::chrono::duration<double>(seconds);
  while (clock::now() < deadline) {
    for (const auto& m : mix) {
      items += parser.parse(m).items.size();
      ++n;
    }
  }
  double elapsed = std::chrono::duration<double>(clock::now() - start).count();
  std::printf("bench_parse: %zu distinct messages (avg %.0f bytes), %zu parses in %.2f s: %.0f messages/s on one "
              "thread (%.2f us/message, %zu items)\n",
              mix.size(), static_cast<double>(bytes) / static_cast<double>(mix.size()), n, elapsed,
              static_cast<double>(n) / elapsed, elapsed * 1e6 / static_cast<double>(n), items);

  // Worst cases: they must stay linear.
  std::string big(Parser::kMaxOrderBytes, 'a');
  for (std::size_t i = 0; i < big.size(); i += 7) big[i] = ' ';
  std::string digits(10000, '7');
  for (const auto* w : {&big, &digits}) {
    auto t0 = clock::now();
    int reps = 20;
    for (int r = 0; r < reps; ++r) items += parser.parse(*w).items.size();
    double ms = std::chrono::duration<double, std::milli>(clock::now() - t0).count() / reps;
    std::printf("bench_parse: %zu-byte message: %.2f ms\n", w->size(), ms);
  }
  return items == 0 ? 1 : 0;
}
