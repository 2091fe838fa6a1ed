//! Plain-text tables for human output: columns padded to the widest cell, counted in
//! characters (not bytes) so that umlauts and units like m³ line up.

/// A table with a header row.
pub struct Table {
    header: Vec<String>,
    rows: Vec<Vec<String>>,
    right_aligned: Vec<bool>,
}

impl Table {
    /// A table with these column titles; all columns left-aligned until told otherwise.
    pub fn new<S: Into<String>>(header: impl IntoIterator<Item = S>) -> Self {
        let header: Vec<String> = header.into_iter().map(Into::into).collect();
        let right_aligned = vec![false; header.len()];
        Table {
            header,
            rows: Vec::new(),
            right_aligned,
        }
    }

    /// Right-align column `index` (numbers read best that way).
    pub fn align_right(mut self, index: usize) -> Self {
        if let Some(flag) = self.right_aligned.get_mut(index) {
            *flag = true;
        }
        self
    }

    /// Append a row; missing cells print empty, extra cells are kept and widen the table.
    pub fn row<S: Into<String>>(&mut self, cells: impl IntoIterator<Item = S>) {
        self.rows.push(cells.into_iter().map(Into::into).collect());
    }

    /// Number of data rows.
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    /// Render with two spaces between columns and a rule under the header.
    pub fn render(&self) -> String {
        let columns = self
            .rows
            .iter()
            .map(Vec::len)
            .chain(std::iter::once(self.header.len()))
            .max()
            .unwrap_or(0);
        let mut widths = vec![0usize; columns];
        for row in std::iter::once(&self.header).chain(&self.rows) {
            for (i, cell) in row.iter().enumerate() {
                widths[i] = widths[i].max(cell.chars().count());
            }
        }
        let mut out = String::new();
        let line = |row: &[String], out: &mut String| {
            let mut text = String::new();
            for (i, width) in widths.iter().enumerate() {
                let cell = row.get(i).map(String::as_str).unwrap_or("");
                let pad = width - cell.chars().count();
                if i > 0 {
                    text.push_str("  ");
                }
                if self.right_aligned.get(i).copied().unwrap_or(false) {
                    text.extend(std::iter::repeat_n(' ', pad));
                    text.push_str(cell);
                } else {
                    text.push_str(cell);
                    text.extend(std::iter::repeat_n(' ', pad));
                }
            }
            out.push_str(text.trim_end());
            out.push('\n');
        };
        line(&self.header, &mut out);
        let rule: Vec<String> = widths.iter().map(|w| "─".repeat(*w)).collect();
        line(&rule, &mut out);
        for row in &self.rows {
            line(row, &mut out);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_line_up_by_characters_and_numbers_align_right() {
        let mut table = Table::new(["Kanal", "Wert"]).align_right(1);
        table.row(["Bezug", "17.1 kWh"]);
        table.row(["Gas m³", "3 m³"]);
        let text = table.render();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], "Kanal       Wert");
        assert_eq!(lines[1], "──────  ────────");
        assert_eq!(lines[2], "Bezug   17.1 kWh");
        assert_eq!(lines[3], "Gas m³      3 m³");
        assert_eq!(table.len(), 2);
    }
}
