//! The trend of a measure against the previous window: which way it moved, by how much, and
//! whether that is better.

use serde::Serialize;

/// Which direction of a measure is an improvement.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Better {
    Higher,
    Lower,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    Up,
    Down,
    Flat,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Trend {
    pub direction: Direction,
    /// current − previous, in the measure's unit.
    pub delta: f64,
    /// None when the measure did not move.
    pub better: Option<bool>,
}

impl Trend {
    /// The trend from `previous` to `current`; None when either is unknown.
    pub fn of(current: Option<f64>, previous: Option<f64>, better: Better) -> Option<Trend> {
        let (current, previous) = (current?, previous?);
        let delta = current - previous;
        // Moves smaller than a millionth of the value are noise from float arithmetic.
        let tolerance = 1e-6 * current.abs().max(previous.abs()).max(1.0);
        let direction = if delta > tolerance {
            Direction::Up
        } else if delta < -tolerance {
            Direction::Down
        } else {
            Direction::Flat
        };
        let better = match (direction, better) {
            (Direction::Flat, _) => None,
            (Direction::Up, Better::Higher) | (Direction::Down, Better::Lower) => Some(true),
            _ => Some(false),
        };
        Some(Trend {
            direction,
            delta,
            better,
        })
    }

    pub fn arrow(&self) -> &'static str {
        match self.direction {
            Direction::Up => "↑",
            Direction::Down => "↓",
            Direction::Flat => "→",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn direction_and_judgement() {
        let t = Trend::of(Some(3.0), Some(2.0), Better::Higher).unwrap();
        assert_eq!(
            (t.direction, t.delta, t.better),
            (Direction::Up, 1.0, Some(true))
        );
        let t = Trend::of(Some(3.0), Some(2.0), Better::Lower).unwrap();
        assert_eq!(t.better, Some(false));
        let t = Trend::of(Some(2.0), Some(2.0), Better::Lower).unwrap();
        assert_eq!((t.direction, t.better), (Direction::Flat, None));
        assert_eq!(Trend::of(None, Some(2.0), Better::Lower), None);
        assert_eq!(t.arrow(), "→");
    }
}
