package io.cairn.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/** Rows printed as left-aligned columns two spaces apart, the way Consul's CLI prints its tables. */
final class Columns {
  private final List<List<String>> rows = new ArrayList<>();

  Columns row(String... cells) {
    rows.add(List.of(cells));
    return this;
  }

  void print(PrintWriter out) {
    int[] widths = new int[rows.stream().mapToInt(List::size).max().orElse(0)];
    for (List<String> row : rows) {
      for (int i = 0; i < row.size(); i++) widths[i] = Math.max(widths[i], row.get(i).length());
    }
    for (List<String> row : rows) {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < row.size(); i++) {
        if (i > 0) line.append("  ");
        line.append(row.get(i));
        if (i < row.size() - 1) line.append(" ".repeat(widths[i] - row.get(i).length()));
      }
      out.println(line.toString().stripTrailing());
    }
  }
}
