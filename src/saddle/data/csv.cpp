#include "saddle/data/csv.hpp"

#include "saddle/core/error.hpp"

#include <charconv>
#include <cmath>
#include <fstream>
#include <map>
#include <sstream>
#include <string_view>

namespace saddle::data {

namespace {

/// Largest group id accepted: group counts are allocated per group.
constexpr std::int64_t kMaxGroup = 1 << 20;

/// One line of the file: its text (without the line ending) and 1-based line number.
struct Line {
  std::string_view text;
  std::int64_t number;
};

/// Where each column goes.
struct Layout {
  std::vector<std::string> names;
  std::size_t label = 0;
  std::size_t group = 0;
  std::vector<std::size_t> features;
};

[[noreturn]] void fail(std::string const& path, std::int64_t line, std::string const& what) {
  std::string const where = line > 0 ? path + ":" + std::to_string(line) : path;
  throw InputError("saddle::data::loadCsv: " + where + ": " + what);
}

std::string columnText(Layout const& layout, std::size_t c) {
  return "column '" + layout.names[c] + "' (column " + std::to_string(c + 1) + ")";
}

std::string_view trim(std::string_view s) {
  auto const first = s.find_first_not_of(" \t");
  if (first == std::string_view::npos)
    return {};
  return s.substr(first, s.find_last_not_of(" \t") - first + 1);
}

std::vector<std::string_view> splitCells(std::string_view line) {
  std::vector<std::string_view> cells;
  std::size_t start = 0;
  while (true) {
    auto const comma = line.find(',', start);
    cells.push_back(trim(line.substr(start, comma - start)));
    if (comma == std::string_view::npos)
      return cells;
    start = comma + 1;
  }
}

std::string readFile(std::string const& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    fail(path, 0, "cannot open the file (missing or unreadable)");
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad())
    fail(path, 0, "read error");
  return text.str();
}

/// Split `text` into lines (LF or CRLF), drop a UTF-8 byte-order mark and trailing empty lines.
std::vector<Line> splitLines(std::string_view text) {
  if (text.substr(0, 3) == "\xEF\xBB\xBF")
    text.remove_prefix(3);
  std::vector<Line> lines;
  std::size_t start = 0;
  for (std::int64_t number = 1; start < text.size(); ++number) {
    auto end = text.find('\n', start);
    if (end == std::string_view::npos)
      end = text.size();
    std::string_view line = text.substr(start, end - start);
    if (!line.empty() && line.back() == '\r')
      line.remove_suffix(1);
    lines.push_back({line, number});
    start = end + 1;
  }
  while (!lines.empty() && trim(lines.back().text).empty())
    lines.pop_back();
  return lines;
}

std::size_t findColumn(std::vector<std::string> const& names, std::string const& name) {
  for (std::size_t c = 0; c < names.size(); ++c)
    if (names[c] == name)
      return c;
  return names.size();
}

std::string joinNames(std::vector<std::string> const& names) {
  std::string all;
  for (auto const& name : names)
    all += (all.empty() ? "" : ", ") + name;
  return all;
}

std::vector<std::string> headerNames(std::string const& path, Line const& header) {
  std::vector<std::string> names;
  std::map<std::string, std::size_t> seen;
  for (auto const cell : splitCells(header.text)) {
    std::string name(cell);
    std::size_t const c = names.size();
    if (name.empty())
      fail(path, header.number, "column " + std::to_string(c + 1) + " has an empty name");
    if (auto const it = seen.find(name); it != seen.end())
      fail(path, header.number,
           "column '" + name + "' (column " + std::to_string(c + 1) + ") duplicates column " +
               std::to_string(it->second + 1));
    seen.emplace(name, c);
    names.push_back(std::move(name));
  }
  return names;
}

bool isSensitiveName(std::string const& name) {
  return name.rfind("sensitive_", 0) == 0;
}

Layout parseHeader(std::string const& path, Line const& header, std::string const& label_column,
                   std::string const& sensitive_column) {
  Layout layout;
  layout.names = headerNames(path, header);
  auto const& names = layout.names;
  layout.label = findColumn(names, label_column);
  if (layout.label == names.size())
    fail(path, header.number,
         "no label column '" + label_column + "' (columns: " + joinNames(names) + ")");
  if (!sensitive_column.empty()) {
    layout.group = findColumn(names, sensitive_column);
    if (layout.group == names.size())
      fail(path, header.number,
           "no group column '" + sensitive_column + "' (columns: " + joinNames(names) + ")");
    if (layout.group == layout.label)
      fail(path, header.number, "column '" + sensitive_column + "' is both label and group");
  } else {
    layout.group = names.size();
    for (std::size_t c = 0; c < names.size() && layout.group == names.size(); ++c)
      if (isSensitiveName(names[c]) && c != layout.label)
        layout.group = c;
    if (layout.group == names.size())
      fail(path, header.number,
           "no sensitive_* column to use as the group (name it with data.sensitive_column; "
           "columns: " +
               joinNames(names) + ")");
  }
  for (std::size_t c = 0; c < names.size(); ++c)
    if (c != layout.label && c != layout.group && !isSensitiveName(names[c]))
      layout.features.push_back(c);
  if (layout.features.empty())
    fail(path, header.number, "no feature columns (every column is the label or sensitive_*)");
  return layout;
}

/// Parse a whole cell as a finite double; throws naming the cell otherwise.
double parseCell(std::string const& path, std::int64_t line, Layout const& layout, std::size_t c,
                 std::string_view cell) {
  std::string_view digits = cell;
  if (digits.size() > 1 && digits[0] == '+' && digits[1] != '-')
    digits.remove_prefix(1); // from_chars rejects a leading '+'
  double value = 0.0;
  auto const [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
  auto const bad = [&](char const* what) {
    fail(path, line, columnText(layout, c) + ": cell '" + std::string(cell) + "' " + what);
  };
  if (cell.empty())
    bad("is empty (missing values are not allowed)");
  if (ec == std::errc::result_out_of_range)
    bad("is out of the range of a double");
  if (ec != std::errc() || end != digits.data() + digits.size())
    bad("is not a number");
  if (!std::isfinite(value))
    bad("is not finite (NaN and Inf are not allowed)");
  return value;
}

void parseRow(std::string const& path, Line const& line, Layout const& layout, Table& table) {
  auto const cells = splitCells(line.text);
  if (cells.size() != layout.names.size())
    fail(path, line.number,
         "expected " + std::to_string(layout.names.size()) + " cells, got " +
             std::to_string(cells.size()) + (trim(line.text).empty() ? " (empty line)" : ""));
  std::vector<double> values(cells.size());
  for (std::size_t c = 0; c < cells.size(); ++c)
    values[c] = parseCell(path, line.number, layout, c, cells[c]);
  double const label = values[layout.label];
  if (label != 0.0 && label != 1.0)
    fail(path, line.number,
         columnText(layout, layout.label) + ": cell '" + std::string(cells[layout.label]) +
             "' is not a valid label (must be 0 or 1)");
  double const group = values[layout.group];
  if (group < 0.0 || group != std::floor(group) || group > static_cast<double>(kMaxGroup))
    fail(path, line.number,
         columnText(layout, layout.group) + ": cell '" + std::string(cells[layout.group]) +
             "' is not a valid group (must be an integer in [0, " + std::to_string(kMaxGroup) +
             "])");
  std::int64_t const row = table.rows(); // data row index, 0-based, in file order
  for (std::size_t const c : layout.features)
    table.x.push_back(values[c]);
  table.y.push_back(label);
  table.group.push_back(static_cast<int>(group));
  table.row_id.push_back(row);
}

} // namespace

Table loadCsv(std::string const& path, std::string const& label_column,
              std::string const& sensitive_column) {
  std::string group_column;
  return loadCsv(path, label_column, sensitive_column, group_column);
}

Table loadCsv(std::string const& path, std::string const& label_column,
              std::string const& sensitive_column, std::string& group_column) {
  std::string const text = readFile(path);
  std::vector<Line> const lines = splitLines(text);
  if (lines.empty())
    fail(path, 0, "the file is empty (expected a header row and data rows)");
  Layout const layout = parseHeader(path, lines[0], label_column, sensitive_column);
  if (lines.size() == 1)
    fail(path, lines[0].number, "header only, no data rows");
  group_column = layout.names[layout.group];
  Table table;
  table.n_features = static_cast<std::int64_t>(layout.features.size());
  for (std::size_t const c : layout.features)
    table.feature_names.push_back(layout.names[c]);
  table.x.reserve((lines.size() - 1) * layout.features.size());
  for (std::size_t i = 1; i < lines.size(); ++i)
    parseRow(path, lines[i], layout, table);
  int max_group = 0;
  for (int const g : table.group)
    max_group = std::max(max_group, g);
  table.n_groups = std::max<std::int64_t>(2, max_group + 1);
  return table;
}

} // namespace saddle::data
