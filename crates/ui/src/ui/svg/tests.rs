use ratatui::buffer::{Buffer, CellDiffOption};
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};

use super::*;

fn buffer(width: u16, height: u16) -> Buffer {
    Buffer::empty(Rect::new(0, 0, width, height))
}

fn svg(buffer: &Buffer) -> String {
    buffer_to_svg(buffer, &SvgOptions::default())
}

/// The lines of the document between the background rect and `</svg>`: what the cells drew.
fn body(svg: &str) -> Vec<String> {
    svg.lines()
        .skip_while(|l| !l.starts_with("<rect width="))
        .skip(1)
        .filter(|l| *l != "</svg>")
        .map(str::to_string)
        .collect()
}

#[test]
fn empty_buffer_is_the_frame_only() {
    let out = svg(&buffer(2, 1));
    assert_eq!(
        out,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"16.8\" height=\"17.5\" \
         viewBox=\"0 0 16.8 17.5\" font-family=\"ui-monospace, &apos;DejaVu Sans Mono&apos;, \
         Menlo, Consolas, &apos;Liberation Mono&apos;, monospace\" font-size=\"14\" \
         xml:space=\"preserve\">\n\
         <rect width=\"16.8\" height=\"17.5\" fill=\"#121212\"/>\n\
         </svg>\n"
    );
}

#[test]
fn size_is_the_grid_and_nothing_else() {
    let out = svg(&buffer(200, 60));
    assert!(out.contains(" width=\"1680\" height=\"1050\" viewBox=\"0 0 1680 1050\""));
    let options = SvgOptions {
        cell_width: 10.0,
        line_height: 20.0,
        ..SvgOptions::default()
    };
    let out = buffer_to_svg(&buffer(3, 2), &options);
    assert!(out.contains(" width=\"30\" height=\"40\" viewBox=\"0 0 30 40\""));
}

#[test]
fn scaled_options_and_nonsense_metrics() {
    let options = SvgOptions::for_font_size(20.0);
    assert_eq!((options.cell_width, options.line_height), (12.0, 25.0));
    let nonsense = SvgOptions {
        font_size: f32::NAN,
        cell_width: -1.0,
        line_height: 0.0,
        ..SvgOptions::default()
    };
    let out = buffer_to_svg(&buffer(10, 2), &nonsense);
    assert!(out.contains(" width=\"84\" height=\"35\""), "{out}");
    assert!(out.contains(" font-size=\"14\""));
}

#[test]
fn title_is_escaped_and_first() {
    let options = SvgOptions {
        title: Some("DORA <30d> & \u{7}more".into()),
        ..SvgOptions::default()
    };
    let out = buffer_to_svg(&buffer(1, 1), &options);
    let second = out.lines().nth(1);
    assert_eq!(second, Some("<title>DORA &lt;30d&gt; &amp; more</title>"));
}

#[test]
fn text_runs_are_pinned_to_the_grid() {
    let mut buf = buffer(30, 1);
    buf.set_string(2, 0, "Lead time  4h", Style::default());
    buf.set_string(25, 0, "x", Style::default());
    assert_eq!(
        body(&svg(&buf)),
        [
            "<g fill=\"#e5e5e5\">",
            "<text x=\"16.8\" y=\"13.65\" textLength=\"109.2\">Lead time  4h</text>",
            "<text x=\"210\" y=\"13.65\">x</text>",
            "</g>",
        ]
    );
}

#[test]
fn long_gaps_split_runs_and_styles_split_runs() {
    let mut buf = buffer(40, 1);
    buf.set_string(0, 0, "a", Style::default());
    buf.set_string(10, 0, "b", Style::default());
    buf.set_string(11, 0, "c", Style::default().fg(Color::Red));
    let body = body(&svg(&buf));
    assert_eq!(
        body,
        [
            "<g fill=\"#e5e5e5\">",
            "<text x=\"0\" y=\"13.65\">a</text>",
            "<text x=\"84\" y=\"13.65\">b</text>",
            "<text x=\"92.4\" y=\"13.65\" fill=\"#cd0000\">c</text>",
            "</g>",
        ]
    );
}

#[test]
fn colours_resolve_through_the_xterm_palette() {
    let mut buf = buffer(6, 1);
    let colours = [
        Color::Rgb(1, 2, 3),
        Color::Red,
        Color::LightBlue,
        Color::Indexed(110),
        Color::Indexed(250),
        Color::Reset,
    ];
    for (i, colour) in colours.into_iter().enumerate() {
        let x = u16::try_from(i).unwrap();
        buf.set_string(x, 0, "x", Style::default().fg(colour).bg(colour));
    }
    let out = svg(&buf);
    for (fill, rect_x) in [
        ("#010203", "0"),
        ("#cd0000", "8.4"),
        ("#5c5cff", "16.8"),
        ("#87afd7", "25.2"),
        ("#bcbcbc", "33.6"),
    ] {
        assert!(out.contains(&format!("fill=\"{fill}\">x</text>")), "{fill}");
        assert!(
            out.contains(&format!(
                "<rect x=\"{rect_x}\" y=\"0\" width=\"8.4\" height=\"17.5\" fill=\"{fill}\"/>"
            )),
            "{fill}"
        );
    }
    // Reset: the default foreground (inherited from the group) on the default background.
    assert!(out.contains("<text x=\"42\" y=\"13.65\">x</text>"));
    assert_eq!(out.matches("<rect x=").count(), 5);
}

#[test]
fn modifiers() {
    let mut buf = buffer(8, 1);
    let cases = [
        Modifier::BOLD,
        Modifier::ITALIC,
        Modifier::UNDERLINED,
        Modifier::CROSSED_OUT,
        Modifier::DIM,
        Modifier::UNDERLINED | Modifier::CROSSED_OUT,
        Modifier::HIDDEN,
        Modifier::SLOW_BLINK,
    ];
    for (i, m) in cases.into_iter().enumerate() {
        let x = u16::try_from(i).unwrap();
        buf.set_string(x, 0, "m", Style::default().add_modifier(m));
    }
    assert_eq!(
        body(&svg(&buf)),
        [
            "<g fill=\"#e5e5e5\">",
            "<text x=\"0\" y=\"13.65\" font-weight=\"bold\">m</text>",
            "<text x=\"8.4\" y=\"13.65\" font-style=\"italic\">m</text>",
            "<text x=\"16.8\" y=\"13.65\" text-decoration=\"underline\">m</text>",
            "<text x=\"25.2\" y=\"13.65\" text-decoration=\"line-through\">m</text>",
            "<text x=\"33.6\" y=\"13.65\" opacity=\"0.5\">m</text>",
            "<text x=\"42\" y=\"13.65\" text-decoration=\"underline line-through\">m</text>",
            "<text x=\"58.8\" y=\"13.65\">m</text>",
            "</g>",
        ]
    );
}

#[test]
fn reversed_swaps_resolved_colours() {
    let mut buf = buffer(3, 1);
    buf.set_string(0, 0, "r", Style::default().add_modifier(Modifier::REVERSED));
    buf.set_string(
        1,
        0,
        "g",
        Style::default()
            .fg(Color::Green)
            .bg(Color::Rgb(0, 0, 128))
            .add_modifier(Modifier::REVERSED),
    );
    assert_eq!(
        body(&svg(&buf)),
        [
            "<g shape-rendering=\"crispEdges\">",
            "<rect x=\"0\" y=\"0\" width=\"8.4\" height=\"17.5\" fill=\"#e5e5e5\"/>",
            "<rect x=\"8.4\" y=\"0\" width=\"8.4\" height=\"17.5\" fill=\"#00cd00\"/>",
            "</g>",
            "<g fill=\"#e5e5e5\">",
            "<text x=\"0\" y=\"13.65\" fill=\"#121212\">r</text>",
            "<text x=\"8.4\" y=\"13.65\" fill=\"#000080\">g</text>",
            "</g>",
        ]
    );
}

#[test]
fn hidden_keeps_the_background_only() {
    let mut buf = buffer(2, 1);
    buf.set_string(
        0,
        0,
        "h─",
        Style::default()
            .bg(Color::Blue)
            .add_modifier(Modifier::HIDDEN),
    );
    assert_eq!(
        body(&svg(&buf)),
        [
            "<g shape-rendering=\"crispEdges\">",
            "<rect x=\"0\" y=\"0\" width=\"16.8\" height=\"17.5\" fill=\"#0000ee\"/>",
            "</g>",
        ]
    );
}

#[test]
fn special_characters_are_escaped_and_controls_stripped() {
    let mut buf = buffer(20, 1);
    buf.set_string(0, 0, "<script>&\"'", Style::default());
    buf[(12, 0)].set_symbol("\u{1b}");
    buf[(13, 0)].set_symbol("z\u{9b}\u{202e}");
    let out = svg(&buf);
    // The stripped escape leaves a blank cell; the run goes on over it to the z.
    assert!(
        out.contains(
            "<text x=\"0\" y=\"13.65\" textLength=\"117.6\">\
             &lt;script&gt;&amp;&quot;&apos;  z</text>"
        ),
        "{out}"
    );
    assert!(!out.contains('\u{1b}') && !out.contains('\u{9b}') && !out.contains('\u{202e}'));
}

#[test]
fn wide_characters_take_two_cells() {
    let mut buf = buffer(6, 1);
    buf.set_string(0, 0, "日本x", Style::default().bg(Color::Rgb(9, 9, 9)));
    assert_eq!(
        body(&svg(&buf)),
        [
            "<g shape-rendering=\"crispEdges\">",
            "<rect x=\"0\" y=\"0\" width=\"42\" height=\"17.5\" fill=\"#090909\"/>",
            "</g>",
            "<g fill=\"#e5e5e5\">",
            "<text x=\"8.4\" y=\"13.65\" text-anchor=\"middle\">日</text>",
            "<text x=\"25.2\" y=\"13.65\" text-anchor=\"middle\">本</text>",
            "<text x=\"33.6\" y=\"13.65\">x</text>",
            "</g>",
        ]
    );
}

#[test]
fn cells_under_a_wide_character_are_not_drawn() {
    // A well-formed buffer blanks them; one that does not still shows the wide character only,
    // as ratatui's terminal diff does.
    let mut buf = buffer(3, 1);
    buf[(0, 0)].set_symbol("😀").set_bg(Color::Red);
    buf[(1, 0)].set_symbol("x").set_bg(Color::Blue);
    buf[(2, 0)].set_symbol("y");
    let body = body(&svg(&buf));
    assert_eq!(
        body,
        [
            "<g shape-rendering=\"crispEdges\">",
            "<rect x=\"0\" y=\"0\" width=\"16.8\" height=\"17.5\" fill=\"#cd0000\"/>",
            "</g>",
            "<g fill=\"#e5e5e5\">",
            "<text x=\"8.4\" y=\"13.65\" text-anchor=\"middle\">😀</text>",
            "<text x=\"16.8\" y=\"13.65\">y</text>",
            "</g>",
        ]
    );
}

#[test]
fn wide_character_in_the_last_column_is_clipped_to_the_grid() {
    let mut buf = buffer(1, 1);
    buf[(0, 0)].set_symbol("日").set_bg(Color::Red);
    let out = svg(&buf);
    assert!(out.contains("<rect x=\"0\" y=\"0\" width=\"8.4\""), "{out}");
    assert!(out.contains("<text x=\"4.2\" y=\"13.65\" text-anchor=\"middle\">日</text>"));
}

#[test]
fn combining_marks_stay_with_their_base() {
    let mut buf = buffer(4, 1);
    buf.set_string(0, 0, "ae\u{301}b", Style::default());
    assert_eq!(
        body(&svg(&buf)),
        [
            "<g fill=\"#e5e5e5\">",
            "<text x=\"0\" y=\"13.65\">a</text>",
            "<text x=\"12.6\" y=\"13.65\" text-anchor=\"middle\">e\u{301}</text>",
            "<text x=\"16.8\" y=\"13.65\">b</text>",
            "</g>",
        ]
    );
}

#[test]
fn non_ascii_text_runs_apart_from_ascii() {
    let mut buf = buffer(12, 1);
    buf.set_string(0, 0, "up ↑↑ ok ✓", Style::default());
    assert_eq!(
        body(&svg(&buf)),
        [
            "<g fill=\"#e5e5e5\">",
            "<text x=\"0\" y=\"13.65\" textLength=\"16.8\">up</text>",
            "<text x=\"25.2\" y=\"13.65\" textLength=\"16.8\">↑↑</text>",
            "<text x=\"50.4\" y=\"13.65\" textLength=\"16.8\">ok</text>",
            "<text x=\"79.8\" y=\"13.65\" text-anchor=\"middle\">✓</text>",
            "</g>",
        ]
    );
}

#[test]
fn right_to_left_text_keeps_cell_order() {
    let mut buf = buffer(3, 1);
    buf.set_string(0, 0, "שלם", Style::default());
    let out = svg(&buf);
    assert!(
        out.contains("textLength=\"25.2\" direction=\"ltr\" unicode-bidi=\"bidi-override\">שלם<"),
        "{out}"
    );
}

#[test]
fn underlined_spaces_are_drawn() {
    let mut buf = buffer(6, 1);
    buf.set_string(0, 0, "a  b", Style::default().underlined());
    assert!(svg(&buf).contains(
        "<text x=\"0\" y=\"13.65\" textLength=\"33.6\" text-decoration=\"underline\">a  b</text>"
    ));
}

#[test]
fn skipped_cells_draw_nothing() {
    let mut buf = buffer(3, 1);
    buf.set_string(0, 0, "abc", Style::default().bg(Color::Red));
    buf[(1, 0)].set_diff_option(CellDiffOption::Skip);
    let out = svg(&buf);
    assert_eq!(out.matches("<rect x=").count(), 2);
    assert!(out.contains(">a</text>") && out.contains(">c</text>") && !out.contains(">b<"));
}

#[test]
fn backgrounds_merge_across_and_down() {
    let mut buf = buffer(10, 4);
    let panel = Style::default().bg(Color::Rgb(30, 30, 40));
    for y in 0..3 {
        buf.set_string(2, y, "      ", panel);
    }
    buf.set_string(2, 3, "   ", panel);
    assert_eq!(
        body(&svg(&buf)),
        [
            "<g shape-rendering=\"crispEdges\">",
            "<rect x=\"16.8\" y=\"0\" width=\"50.4\" height=\"52.5\" fill=\"#1e1e28\"/>",
            "<rect x=\"16.8\" y=\"52.5\" width=\"25.2\" height=\"17.5\" fill=\"#1e1e28\"/>",
            "</g>",
        ]
    );
}

#[test]
fn default_background_is_not_repeated() {
    let mut buf = buffer(4, 1);
    let options = SvgOptions {
        background: (1, 2, 3),
        ..SvgOptions::default()
    };
    buf.set_string(0, 0, "    ", Style::default().bg(Color::Rgb(1, 2, 3)));
    let out = buffer_to_svg(&buf, &options);
    assert!(!out.contains("<rect x="), "{out}");
}

#[test]
fn box_lines_are_merged_rectangles() {
    let mut buf = buffer(6, 3);
    for (x, y, s) in [(0, 0, "┌────┐"), (0, 1, "│    │"), (0, 2, "└────┘")]
    {
        buf.set_string(x, y, s, Style::default().fg(Color::Cyan));
    }
    // One rectangle per side: 1.2 px thick, centred on the cells' centre lines, each side
    // running into the corners by half a line.
    assert_eq!(
        body(&svg(&buf)),
        ["<path fill=\"#00cdcd\" d=\"M3.6 8.15h43.2v1.2h-43.2z\
          M3.6 8.15h1.2v36.2h-1.2z\
          M45.6 8.15h1.2v36.2h-1.2z\
          M3.6 43.15h43.2v1.2h-43.2z\"/>"]
    );
}

#[test]
fn junctions_fill_their_centre() {
    let mut buf = buffer(1, 1);
    buf.set_string(0, 0, "┼", Style::default());
    let out = svg(&buf);
    assert!(
        out.contains("d=\"M3.6 0h1.2v17.5h-1.2zM0 8.15h8.4v1.2h-8.4z\""),
        "{out}"
    );
}

#[test]
fn blocks_are_rectangles_and_stack_into_bars() {
    let mut buf = buffer(2, 2);
    buf.set_string(0, 0, "▄", Style::default().fg(Color::Green));
    buf.set_string(0, 1, "█▁", Style::default().fg(Color::Green));
    let out = svg(&buf);
    assert!(
        out.contains(
            "<path fill=\"#00cd00\" d=\"M0 8.75h8.4v26.25h-8.4zM8.4 32.81h8.4v2.19h-8.4z\"/>"
        ),
        "{out}"
    );
}

#[test]
fn shades_and_dim_shapes_are_translucent() {
    let mut buf = buffer(2, 1);
    buf.set_string(0, 0, "▒", Style::default());
    buf.set_string(1, 0, "─", Style::default().dim());
    let out = svg(&buf);
    assert!(out.contains("<path fill=\"#e5e5e5\" fill-opacity=\"0.5\" d=\"M0 0h8.4v17.5h-8.4zM8.4 8.15h8.4v1.2h-8.4z\"/>"), "{out}");
}

#[test]
fn rounded_corners_are_arcs() {
    let mut buf = buffer(2, 1);
    buf.set_string(0, 0, "╭╮", Style::default());
    let out = svg(&buf);
    assert_eq!(out.matches('A').count(), 4, "{out}");
    assert!(out.contains("M8.4 9.35A3.6 3.6 0 0 0 4.8 12.95"), "{out}");
}

#[test]
fn identical_buffers_give_identical_bytes() {
    let mut buf = buffer(20, 3);
    buf.set_string(0, 0, "╭─ x ─╮ ▂▄█ 日本", Style::default().fg(Color::Yellow));
    buf.set_string(
        0,
        1,
        "a & b",
        Style::default().bg(Color::Indexed(17)).bold(),
    );
    let first = svg(&buf);
    let second = svg(&buf.clone());
    assert_eq!(first, second);
}
