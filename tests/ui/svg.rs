//! The SVG renderer on buffers drawn by real ratatui widgets: structure, well-formedness,
//! determinism, size, and a snapshot of a small fixture.

// clippy.toml allows these in #[test] functions; the drawing helpers here are test code too.

use flowdeck::ui::svg::{SvgOptions, buffer_to_svg};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::symbols::Marker;
use ratatui::text::{Line, Span};
use ratatui::widgets::{
    Axis, BarChart, Block, BorderType, Cell, Chart, Dataset, Gauge, GraphType, LineGauge,
    Paragraph, Row, Sparkline, Table,
};

/// A minimal XML reader: enough to prove a document well-formed and to look elements up.
mod xml {
    #[derive(Debug)]
    pub struct Element {
        pub name: String,
        pub attributes: Vec<(String, String)>,
        pub children: Vec<Node>,
    }

    #[derive(Debug)]
    pub enum Node {
        Element(Element),
        Text(String),
    }

    impl Element {
        pub fn attr(&self, name: &str) -> Option<&str> {
            self.attributes
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, v)| v.as_str())
        }

        pub fn text(&self) -> String {
            self.children
                .iter()
                .map(|c| match c {
                    Node::Text(t) => t.clone(),
                    Node::Element(e) => e.text(),
                })
                .collect()
        }

        /// Every element below this one named `name`, in document order.
        pub fn find_all<'a>(&'a self, name: &str, out: &mut Vec<&'a Element>) {
            for child in &self.children {
                if let Node::Element(e) = child {
                    if e.name == name {
                        out.push(e);
                    }
                    e.find_all(name, out);
                }
            }
        }

        pub fn all(&self, name: &str) -> Vec<&Element> {
            let mut out = Vec::new();
            self.find_all(name, &mut out);
            out
        }
    }

    /// Parses a document of one root element; errors name the byte offset.
    pub fn parse(input: &str) -> Result<Element, String> {
        let mut p = Parser { s: input, i: 0 };
        p.skip_whitespace();
        let root = p.element()?;
        p.skip_whitespace();
        if p.i != input.len() {
            return Err(format!("content after the root element at {}", p.i));
        }
        Ok(root)
    }

    struct Parser<'a> {
        s: &'a str,
        i: usize,
    }

    impl Parser<'_> {
        fn rest(&self) -> &str {
            &self.s[self.i..]
        }

        fn skip_whitespace(&mut self) {
            let trimmed = self.rest().trim_start_matches([' ', '\n', '\t', '\r']);
            self.i = self.s.len() - trimmed.len();
        }

        fn expect(&mut self, token: &str) -> Result<(), String> {
            if self.rest().starts_with(token) {
                self.i += token.len();
                Ok(())
            } else {
                Err(format!("expected {token:?} at {}", self.i))
            }
        }

        fn name(&mut self) -> Result<String, String> {
            let len = self
                .rest()
                .find(|c: char| !(c.is_alphanumeric() || matches!(c, ':' | '-' | '_' | '.')))
                .unwrap_or(self.rest().len());
            if len == 0
                || self
                    .rest()
                    .starts_with(|c: char| c.is_ascii_digit() || c == '-')
            {
                return Err(format!("bad name at {}", self.i));
            }
            let name = self.rest()[..len].to_string();
            self.i += len;
            Ok(name)
        }

        fn element(&mut self) -> Result<Element, String> {
            self.expect("<")?;
            let name = self.name()?;
            let mut attributes: Vec<(String, String)> = Vec::new();
            loop {
                let before = self.i;
                self.skip_whitespace();
                if self.rest().starts_with("/>") {
                    self.i += 2;
                    return Ok(Element {
                        name,
                        attributes,
                        children: Vec::new(),
                    });
                }
                if self.rest().starts_with('>') {
                    self.i += 1;
                    break;
                }
                if self.i == before {
                    return Err(format!(
                        "expected whitespace before attribute at {}",
                        self.i
                    ));
                }
                let key = self.name()?;
                self.expect("=")?;
                let quote = self
                    .rest()
                    .chars()
                    .next()
                    .filter(|c| *c == '"' || *c == '\'');
                let Some(quote) = quote else {
                    return Err(format!("unquoted attribute at {}", self.i));
                };
                self.i += 1;
                let end = self
                    .rest()
                    .find(quote)
                    .ok_or_else(|| format!("unterminated attribute at {}", self.i))?;
                let raw = &self.rest()[..end];
                if raw.contains('<') {
                    return Err(format!("'<' in attribute at {}", self.i));
                }
                let value = unescape(raw, self.i)?;
                self.i += end + 1;
                if attributes.iter().any(|(k, _)| *k == key) {
                    return Err(format!("duplicate attribute {key}"));
                }
                attributes.push((key, value));
            }
            let mut children = Vec::new();
            loop {
                if self.rest().starts_with("</") {
                    self.i += 2;
                    let closing = self.name()?;
                    if closing != name {
                        return Err(format!("</{closing}> closes <{name}> at {}", self.i));
                    }
                    self.skip_whitespace();
                    self.expect(">")?;
                    return Ok(Element {
                        name,
                        attributes,
                        children,
                    });
                }
                if self.rest().starts_with('<') {
                    children.push(Node::Element(self.element()?));
                    continue;
                }
                let end = self
                    .rest()
                    .find('<')
                    .ok_or_else(|| format!("<{name}> never closed"))?;
                let raw = &self.rest()[..end];
                children.push(Node::Text(unescape(raw, self.i)?));
                self.i += end;
            }
        }
    }

    fn unescape(raw: &str, at: usize) -> Result<String, String> {
        let mut out = String::new();
        let mut rest = raw;
        while let Some(amp) = rest.find('&') {
            out.push_str(&rest[..amp]);
            let semi = rest[amp..]
                .find(';')
                .ok_or_else(|| format!("bare & near {at}"))?;
            let entity = &rest[amp + 1..amp + semi];
            out.push(match entity {
                "amp" => '&',
                "lt" => '<',
                "gt" => '>',
                "quot" => '"',
                "apos" => '\'',
                _ => {
                    let code = entity
                        .strip_prefix("#x")
                        .map(|h| u32::from_str_radix(h, 16))
                        .or_else(|| entity.strip_prefix('#').map(str::parse))
                        .ok_or_else(|| format!("unknown entity &{entity}; near {at}"))?
                        .map_err(|e| format!("{e} near {at}"))?;
                    char::from_u32(code).ok_or_else(|| format!("bad char ref near {at}"))?
                }
            });
            rest = &rest[amp + semi + 1..];
        }
        out.push_str(rest);
        if let Some(c) = out
            .chars()
            .find(|c| c.is_control() && !matches!(c, '\n' | '\t' | '\r'))
        {
            return Err(format!("control character {c:?} near {at}"));
        }
        Ok(out)
    }

    #[test]
    fn rejects_malformed_documents() {
        for bad in [
            "<a>",
            "<a></b>",
            "<a x=1/>",
            "<a x=\"1\" x=\"2\"/>",
            "<a>&</a>",
            "<a>&nope;</a>",
            "<a>\u{1b}</a>",
            "<a/><b/>",
            "<a x=\"<\"/>",
        ] {
            assert!(parse(bad).is_err(), "{bad}");
        }
        let ok = parse("<a x='1'>t&amp;<b/>&#x41;&#66;</a>").unwrap();
        assert_eq!(ok.text(), "t&AB");
        assert_eq!(ok.attr("x"), Some("1"));
    }
}

/// Draws with a terminal at the given size and returns what it drew.
fn draw(width: u16, height: u16, ui: impl FnOnce(&mut ratatui::Frame)) -> Buffer {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    terminal.draw(ui).unwrap();
    terminal.backend().buffer().clone()
}

/// A small panel with the things a dashboard shows: a titled border, styled text, a wide
/// character, a sparkline and a gauge.
fn fixture() -> Buffer {
    draw(32, 9, |frame| {
        let block = Block::bordered()
            .border_type(BorderType::Rounded)
            .title(" <script>&\"' ")
            .border_style(Style::new().fg(Color::Indexed(244)));
        let inner = block.inner(frame.area());
        frame.render_widget(block, frame.area());
        let [text, spark, gauge] = Layout::vertical([
            Constraint::Length(3),
            Constraint::Length(2),
            Constraint::Length(1),
        ])
        .areas(inner);
        let lines = vec![
            Line::from(vec![
                Span::raw("Lead "),
                Span::styled("elite", Style::new().fg(Color::Green).bold()),
                Span::raw(" "),
                Span::styled("4h", Style::new().italic()),
            ]),
            Line::from(vec![
                Span::styled(" fail ", Style::new().fg(Color::Red).reversed()),
                Span::raw(" 日本 "),
                Span::styled("dim", Style::new().dim().underlined()),
            ]),
            Line::from(Span::styled(
                "rgb on indexed",
                Style::new()
                    .fg(Color::Rgb(255, 200, 0))
                    .bg(Color::Indexed(17)),
            )),
        ];
        frame.render_widget(Paragraph::new(lines), text);
        frame.render_widget(
            Sparkline::default()
                .data([1u64, 3, 7, 2, 9, 16, 12, 5, 0, 4, 8, 15, 11, 6])
                .style(Style::new().fg(Color::Cyan)),
            spark,
        );
        frame.render_widget(
            Gauge::default()
                .ratio(0.42)
                .use_unicode(true)
                .gauge_style(Style::new().fg(Color::Blue).bg(Color::Black)),
            gauge,
        );
    })
}

fn render(buffer: &Buffer) -> String {
    buffer_to_svg(buffer, &SvgOptions::default())
}

fn cell_x(column: usize) -> String {
    trim(column as f64 * 8.4)
}

fn trim(value: f64) -> String {
    let s = format!("{value:.2}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

#[test]
fn fixture_is_well_formed_and_structured() {
    let svg = render(&fixture());
    let root = xml::parse(&svg).unwrap_or_else(|e| panic!("{e}\n{svg}"));
    assert_eq!(root.name, "svg");
    assert_eq!(root.attr("xmlns"), Some("http://www.w3.org/2000/svg"));
    assert_eq!(root.attr("width"), Some("268.8"));
    assert_eq!(root.attr("height"), Some("157.5"));
    assert_eq!(root.attr("viewBox"), Some("0 0 268.8 157.5"));
    assert_eq!(root.attr("xml:space"), Some("preserve"));
    assert!(!svg.contains("href") && !svg.contains("@import") && !svg.contains("url("));

    let texts = root.all("text");
    let find = |content: &str| {
        texts
            .iter()
            .find(|t| t.text() == content)
            .unwrap_or_else(|| panic!("no <text> {content:?} in\n{svg}"))
    };

    // The title, escaped in the source and intact once parsed, one cell right of the corner
    // and the space after it.
    let title = find("<script>&\"'");
    assert_eq!(title.attr("x"), Some(cell_x(2).as_str()));
    assert!(svg.contains("&lt;script&gt;&amp;&quot;&apos;"));
    assert_eq!(
        title.attr("fill"),
        Some("#808080"),
        "titles take the border style"
    );

    let elite = find("elite");
    assert_eq!(elite.attr("fill"), Some("#00cd00"));
    assert_eq!(elite.attr("font-weight"), Some("bold"));
    assert_eq!(elite.attr("x"), Some(cell_x(6).as_str()));
    assert_eq!(elite.attr("textLength"), Some("42"));
    assert_eq!(find("4h").attr("font-style"), Some("italic"));

    // Reversed: red becomes the background, the default background the text colour.
    let fail = find("fail");
    assert_eq!(fail.attr("fill"), Some("#121212"));
    assert!(svg.contains(&format!(
        "<rect x=\"{}\" y=\"35\" width=\"50.4\" height=\"17.5\" fill=\"#cd0000\"/>",
        cell_x(1)
    )));

    // Wide characters: each centred on the two cells it covers; the next text starts after.
    let ni = find("日");
    let hon = find("本");
    assert_eq!(ni.attr("x"), Some(cell_x(9).as_str()));
    assert_eq!(hon.attr("x"), Some(cell_x(11).as_str()));
    assert_eq!(ni.attr("text-anchor"), Some("middle"));
    let dim = find("dim");
    assert_eq!(dim.attr("x"), Some(cell_x(13).as_str()));
    assert_eq!(dim.attr("opacity"), Some("0.5"));
    assert_eq!(dim.attr("text-decoration"), Some("underline"));

    let rgb = find("rgb on indexed");
    assert_eq!(rgb.attr("fill"), Some("#ffc800"));
    assert!(svg.contains("width=\"117.6\" height=\"17.5\" fill=\"#00005f\"/>"));

    // Borders, sparkline bars and the gauge are shapes, not glyphs.
    for t in &texts {
        assert!(
            !t.text()
                .contains(['─', '│', '╭', '╮', '╰', '╯', '▁', '▄', '█']),
            "{t:?}"
        );
    }
    let paths = root.all("path");
    let border = paths
        .iter()
        .find(|p| p.attr("fill") == Some("#808080"))
        .expect("border path");
    let d = border.attr("d").unwrap_or_default();
    assert_eq!(d.matches('A').count(), 8, "four rounded corners: {d}");
    assert!(paths.iter().any(|p| p.attr("fill") == Some("#00cdcd")));
    assert!(paths.iter().any(|p| p.attr("fill") == Some("#0000ee")));
}

#[test]
fn snapshot_of_the_fixture() {
    insta::assert_snapshot!("fixture", render(&fixture()));
}

#[test]
fn same_drawing_same_bytes() {
    assert_eq!(render(&fixture()), render(&fixture()));
}

/// A busy 200×60 screen: nine panels with borders, tables, charts, bars, gauges and text.
fn dashboard() -> Buffer {
    draw(200, 60, |frame| {
        let rows = Layout::vertical([Constraint::Ratio(1, 3); 3]).split(frame.area());
        let palette = [
            Color::Green,
            Color::Yellow,
            Color::Red,
            Color::Cyan,
            Color::Magenta,
            Color::Indexed(208),
            Color::Rgb(120, 160, 255),
            Color::LightGreen,
            Color::Gray,
        ];
        let series: Vec<(f64, f64)> = (0..120)
            .map(|i| {
                let x = f64::from(i);
                (x, 50.0 + 40.0 * (x / 9.0).sin() * (x / 37.0).cos())
            })
            .collect();
        let values: Vec<u64> = (0..200u64).map(|i| (i * 37 + i * i) % 23).collect();
        for (r, row) in rows.iter().enumerate() {
            let columns = Layout::horizontal([Constraint::Ratio(1, 3); 3]).split(*row);
            for (c, area) in columns.iter().enumerate() {
                let n = r * 3 + c;
                let accent = palette[n];
                let block = Block::bordered()
                    .border_type(if n % 2 == 0 {
                        BorderType::Rounded
                    } else {
                        BorderType::Plain
                    })
                    .title(format!(" Panel {n}: deployment frequency "))
                    .title_style(Style::new().fg(accent).bold())
                    .style(Style::new().bg(Color::Rgb(20, 22, 30)));
                let inner = block.inner(*area);
                frame.render_widget(block, *area);
                match n % 5 {
                    0 => {
                        let rows = (0..inner.height).map(|i| {
                            Row::new(vec![
                                Cell::from(format!("svc-{i:02}")),
                                Cell::from(format!("{}d {}h", i % 7, i * 3 % 24))
                                    .style(Style::new().fg(accent)),
                                Cell::from(if i % 3 == 0 { "elite" } else { "high" }),
                                Cell::from(format!("{:.1}%", f64::from(i) * 1.7)),
                            ])
                        });
                        frame.render_widget(
                            Table::new(rows, [Constraint::Length(10); 4])
                                .row_highlight_style(Style::new().reversed()),
                            inner,
                        );
                    }
                    1 => frame.render_widget(
                        Chart::new(vec![
                            Dataset::default()
                                .marker(Marker::Braille)
                                .graph_type(GraphType::Line)
                                .style(Style::new().fg(accent))
                                .data(&series),
                        ])
                        .x_axis(
                            Axis::default()
                                .bounds([0.0, 120.0])
                                .labels(["0", "60", "120"]),
                        )
                        .y_axis(Axis::default().bounds([0.0, 100.0]).labels(["0", "100"])),
                        inner,
                    ),
                    2 => frame.render_widget(
                        Sparkline::default()
                            .data(values.iter().copied())
                            .style(Style::new().fg(accent)),
                        inner,
                    ),
                    3 => {
                        let data: Vec<(&str, u64)> = [
                            "mon", "tue", "wed", "thu", "fri", "sat", "sun", "mon", "tue",
                        ]
                        .into_iter()
                        .zip(values.iter().copied())
                        .collect();
                        frame.render_widget(
                            BarChart::default()
                                .data(&data)
                                .bar_width(5)
                                .bar_style(Style::new().fg(accent)),
                            inner,
                        );
                    }
                    _ => {
                        let [a, b, text] = Layout::vertical([
                            Constraint::Length(1),
                            Constraint::Length(1),
                            Constraint::Fill(1),
                        ])
                        .areas(inner);
                        frame.render_widget(
                            Gauge::default()
                                .ratio(0.73)
                                .label("73% of changes")
                                .gauge_style(Style::new().fg(accent).bg(Color::DarkGray)),
                            a,
                        );
                        frame.render_widget(
                            LineGauge::default()
                                .ratio(0.31)
                                .filled_style(Style::new().fg(accent)),
                            b,
                        );
                        let lines: Vec<Line> = (0..text.height)
                            .map(|i| {
                                Line::from(vec![
                                    Span::raw(format!("{i:>3} ")),
                                    Span::styled("abc1234", Style::new().fg(Color::Yellow)),
                                    Span::raw(" Fix flaky deploy check in the payments service "),
                                    Span::styled("✓", Style::new().fg(Color::Green).bold()),
                                ])
                            })
                            .collect();
                        frame.render_widget(Paragraph::new(lines), text);
                    }
                }
            }
        }
    })
}

/// Every box-drawing and block character, alone and joined into boxes, to look at.
fn gallery() -> Buffer {
    let mut buffer = Buffer::empty(Rect::new(0, 0, 48, 28));
    let style = Style::new().fg(Color::White);
    // All of U+2500–U+259F, sixteen to a row, each with space around it.
    for (i, code) in (0x2500u32..=0x259f).enumerate() {
        let c = char::from_u32(code).unwrap_or('?');
        let (x, y) = (
            u16::try_from(i % 16 * 3).unwrap(),
            u16::try_from(i / 16 * 2).unwrap(),
        );
        buffer.set_string(x + 1, y, c.to_string(), style);
    }
    let boxes = [
        "┌─┬─┐ ╭─┬─╮ ┏━┳━┓ ╔═╦═╗ ╒═╤═╕ ╓─╥─╖ ┍━┯━┑ ▛▀▀▜",
        "│ │ │ │ │ │ ┃ ┃ ┃ ║ ║ ║ │ │ │ ║ ║ ║ │ │ │ ▌  ▐",
        "├─┼─┤ ├─┼─┤ ┣━╋━┫ ╠═╬═╣ ╞═╪═╡ ╟─╫─╢ ┝━┿━┥ ▌  ▐",
        "│ │ │ │ │ │ ┃ ┃ ┃ ║ ║ ║ │ │ │ ║ ║ ║ │ │ │ ▌  ▐",
        "└─┴─┘ ╰─┴─╯ ┗━┻━┛ ╚═╩═╝ ╘═╧═╛ ╙─╨─╜ ┕━┷━┙ ▙▄▄▟",
        "╱╲╱╲ ╳╳ ┄┄┄┈┈┈╌╌╌ ┅┅┉┉╍╍ ░░▒▒▓▓██ ▁▂▃▄▅▆▇█▇▆▅▄▃▂▁",
        "🬀🬁🬂🬃🬄🬅🬆🬇🬈🬉🬊🬋🬌🬍🬎🬏 𜺨𜺫🮂𜴀𜴁𜴂𜴃 ⣿⡇⠿ text│text─text",
    ];
    for (i, line) in boxes.iter().enumerate() {
        buffer.set_string(0, 21 + u16::try_from(i).unwrap(), line, style);
    }
    buffer
}

#[test]
fn gallery_is_all_shapes() {
    let svg = render(&gallery());
    let root = xml::parse(&svg).unwrap_or_else(|e| panic!("{e}"));
    let texts: String = root.all("text").iter().map(|t| t.text()).collect();
    assert_eq!(texts, "⣿⡇⠿texttexttext", "{svg}");
}

#[test]
fn a_full_dashboard_stays_small() {
    let svg = render(&dashboard());
    xml::parse(&svg).unwrap_or_else(|e| panic!("{e}"));
    assert!(
        svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"1680\" height=\"1050\"")
    );
    assert!(svg.len() < 200_000, "{} bytes", svg.len());
    println!("200×60 dashboard: {} bytes", svg.len());
}

#[test]
fn every_cell_different_still_renders() {
    // The worst case for merging: every cell its own colours, modifiers and character.
    let mut buffer = Buffer::empty(Rect::new(0, 0, 200, 60));
    for y in 0..60u16 {
        for x in 0..200u16 {
            let i = u32::from(y) * 200 + u32::from(x);
            let c = char::from_u32(0x21 + i % 94).unwrap_or('?');
            let modifier = Modifier::from_bits_truncate(u16::try_from(i % 512).unwrap());
            buffer[(x, y)]
                .set_char(c)
                .set_fg(Color::Indexed((i % 256) as u8))
                .set_bg(Color::Indexed((i * 7 % 256) as u8))
                .set_style(Style::new().add_modifier(modifier));
        }
    }
    let svg = render(&buffer);
    xml::parse(&svg).unwrap_or_else(|e| panic!("{e}"));
    // Nothing merges here: about 120 bytes a cell. A guard against accidental blow-ups.
    assert!(svg.len() < 2_000_000, "{} bytes", svg.len());
    println!("200×60, every cell different: {} bytes", svg.len());
}

/// Renders the fixture and the dashboard to PNG with headless Chromium, to look at alignment by
/// eye. Skipped unless `/usr/bin/chromium` exists; run with
/// `cargo test --test ui svg:: -- --ignored --nocapture` and open the printed paths. By hand:
///
/// ```text
/// chromium --headless --no-sandbox --disable-gpu --disable-background-networking \
///   --disable-component-update --disable-sync --no-first-run --user-data-dir=$(mktemp -d) \
///   --screenshot=out.png --window-size=1680,1050 file:///path/to/dashboard.svg
/// ```
#[test]
#[ignore = "needs /usr/bin/chromium; renders PNGs to look at"]
fn chromium_renders_pngs() {
    let chromium = std::path::Path::new("/usr/bin/chromium");
    let out = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("svg-render");
    std::fs::create_dir_all(&out).unwrap();
    let options = SvgOptions::default();
    for (name, buffer, zoom) in [
        ("fixture", fixture(), 3.0),
        ("gallery", gallery(), 3.0),
        ("dashboard", dashboard(), 1.0),
    ] {
        let svg_path = out.join(format!("{name}.svg"));
        std::fs::write(&svg_path, buffer_to_svg(&buffer, &options)).unwrap();
        // A page that shows the SVG zoomed, so pixel-level alignment is visible.
        let width = f64::from(buffer.area.width) * 8.4 * zoom;
        let height = f64::from(buffer.area.height) * 17.5 * zoom;
        let html_path = out.join(format!("{name}.html"));
        std::fs::write(
            &html_path,
            format!(
                "<!doctype html><body style=\"margin:0;background:#000\">\
                 <img src=\"{name}.svg\" width=\"{width}\" height=\"{height}\"></body>"
            ),
        )
        .unwrap();
        if !chromium.exists() {
            println!("no {}; wrote {}", chromium.display(), svg_path.display());
            continue;
        }
        let png = out.join(format!("{name}.png"));
        let profile = tempfile::tempdir().unwrap();
        let status = std::process::Command::new(chromium)
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--hide-scrollbars",
            ])
            .arg(format!("--user-data-dir={}", profile.path().display()))
            .arg(format!("--screenshot={}", png.display()))
            .arg(format!(
                "--window-size={},{}",
                width.ceil() as u32,
                height.ceil() as u32
            ))
            .arg(format!("file://{}", html_path.display()))
            .status()
            .unwrap();
        assert!(status.success());
        assert!(png.exists());
        println!("{}", png.display());
    }
}
