//! A progress bar for long CLI jobs, drawn on standard error only when it is a terminal; the
//! job's own lines go to standard output either way, so pipes and logs get plain lines.

use std::io::{IsTerminal, Write};

/// Width of the bar between its brackets, in characters.
const BAR_WIDTH: usize = 30;

/// Progress over a known number of steps.
pub struct Progress {
    total: usize,
    done: usize,
    drawn: bool,
    enabled: bool,
}

impl Progress {
    /// A bar for `total` steps; invisible unless standard error is a terminal.
    pub fn new(total: usize) -> Self {
        Self {
            total,
            done: 0,
            drawn: false,
            enabled: std::io::stderr().is_terminal(),
        }
    }

    /// Prints `text` on standard output, above the bar (redrawn by the next [`Self::advance`]).
    pub fn line(&mut self, text: &str) {
        self.clear();
        println!("{text}");
    }

    /// Counts one step as done.
    pub fn advance(&mut self) {
        self.done = (self.done + 1).min(self.total);
        self.draw();
    }

    /// Removes the bar.
    pub fn finish(&mut self) {
        self.clear();
    }

    fn draw(&mut self) {
        if self.enabled {
            let mut err = std::io::stderr().lock();
            let _ = write!(err, "\r{}", bar(self.done, self.total, BAR_WIDTH));
            let _ = err.flush();
            self.drawn = true;
        }
    }

    fn clear(&mut self) {
        if self.drawn {
            let mut err = std::io::stderr().lock();
            let _ = write!(err, "\r\x1b[2K");
            let _ = err.flush();
            self.drawn = false;
        }
    }
}

/// `[#####-----] done/total` with `width` characters between the brackets.
fn bar(done: usize, total: usize, width: usize) -> String {
    let filled = (done * width).checked_div(total).unwrap_or(width);
    format!(
        "[{}{}] {done}/{total}",
        "#".repeat(filled),
        "-".repeat(width - filled)
    )
}

#[cfg(test)]
mod tests {
    use super::bar;

    #[test]
    fn the_bar_fills_in_proportion() {
        assert_eq!(bar(0, 4, 8), "[--------] 0/4");
        assert_eq!(bar(1, 4, 8), "[##------] 1/4");
        assert_eq!(bar(3, 10, 10), "[###-------] 3/10");
        assert_eq!(bar(4, 4, 8), "[########] 4/4");
        assert_eq!(bar(0, 0, 4), "[####] 0/0");
    }
}
