// Test support: reading the numeric CSV files of the golden cases.
#pragma once

#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace edgernn::test {

/// Rows of comma-separated numbers, no header.
inline std::vector<std::vector<double>> read_csv(const std::string& path) {
  std::ifstream f(path);
  if (!f) throw std::runtime_error("cannot open " + path);
  std::vector<std::vector<double>> rows;
  std::string line;
  while (std::getline(f, line)) {
    if (line.empty()) continue;
    std::vector<double> row;
    std::stringstream ss(line);
    std::string cell;
    while (std::getline(ss, cell, ','))
      row.push_back(std::stod(cell));
    rows.push_back(std::move(row));
  }
  return rows;
}

}  // namespace edgernn::test
