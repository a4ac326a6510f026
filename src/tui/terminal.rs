//! The terminal: raw mode and the alternate screen on the way in, everything restored on the way
//! out — on quit, on a signal, and on a panic.

use std::io::{Stdout, Write, stdout};
use std::sync::mpsc::Sender;

use crossterm::event::{DisableMouseCapture, EnableMouseCapture};
use crossterm::terminal::{
    BeginSynchronizedUpdate, EndSynchronizedUpdate, EnterAlternateScreen, LeaveAlternateScreen,
    disable_raw_mode, enable_raw_mode,
};
use crossterm::{cursor, execute};
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;

use super::Message;
use crate::app::view::ViewModel;
use crate::ui::theme::Theme;

pub struct Guard {
    terminal: Terminal<CrosstermBackend<Stdout>>,
    mouse: bool,
}

/// Puts the terminal back the way the shell expects it. Safe to call more than once.
pub fn restore(mouse: bool) {
    let mut out = stdout();
    if mouse {
        let _ = execute!(out, DisableMouseCapture);
    }
    let _ = execute!(
        out,
        EndSynchronizedUpdate,
        LeaveAlternateScreen,
        cursor::Show
    );
    let _ = disable_raw_mode();
    let _ = out.flush();
}

impl Guard {
    pub fn enter(mouse: bool) -> anyhow::Result<Guard> {
        // A panic must not leave the user's shell in raw mode on the alternate screen.
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            restore(mouse);
            previous(info);
        }));
        enable_raw_mode()?;
        let mut out = stdout();
        execute!(out, EnterAlternateScreen, cursor::Hide)?;
        if mouse {
            execute!(out, EnableMouseCapture)?;
        }
        let terminal = Terminal::new(CrosstermBackend::new(out))?;
        Ok(Guard { terminal, mouse })
    }

    pub fn size(&self) -> (u16, u16) {
        self.terminal
            .size()
            .map(|s| (s.width, s.height))
            .unwrap_or((80, 24))
    }

    /// One frame, inside a synchronized update so the terminal shows it whole.
    pub fn draw(&mut self, vm: &ViewModel, theme: &Theme) -> anyhow::Result<()> {
        execute!(self.terminal.backend_mut(), BeginSynchronizedUpdate)?;
        // The completed frame borrows the terminal; only whether drawing worked is kept.
        let drawn = self
            .terminal
            .draw(|frame| crate::ui::draw(vm, theme, frame))
            .map(|_| ());
        execute!(self.terminal.backend_mut(), EndSynchronizedUpdate)?;
        drawn?;
        Ok(())
    }
}

impl Guard {
    /// Bytes for the terminal itself, between frames (the bell, an OSC notification).
    pub fn write_raw(&mut self, bytes: &str) -> std::io::Result<()> {
        let out = self.terminal.backend_mut();
        out.write_all(bytes.as_bytes())?;
        out.flush()
    }
}

impl Drop for Guard {
    fn drop(&mut self) {
        restore(self.mouse);
    }
}

/// Terminal events on a thread of their own (reading blocks).
pub fn spawn_input(sender: Sender<Message>) {
    std::thread::spawn(move || {
        while let Ok(event) = crossterm::event::read() {
            if sender.send(Message::Input(event)).is_err() {
                break;
            }
        }
    });
}

/// SIGTERM, SIGHUP and SIGINT end the dashboard cleanly (the terminal is restored).
pub fn spawn_signals(sender: Sender<Message>) {
    use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
    let Ok(mut signals) = signal_hook::iterator::Signals::new([SIGTERM, SIGHUP, SIGINT]) else {
        return;
    };
    std::thread::spawn(move || {
        for _ in signals.forever() {
            if sender.send(Message::Signal).is_err() {
                break;
            }
        }
    });
}
