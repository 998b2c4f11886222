package dev.toolgate.mode.conversion;

import java.util.BitSet;

/**
 * Which of an endpoint's tools one caller may see, by position in the {@link ToolSet}. Callers who
 * see the same tools share one view, and with it the prepared {@code tools/list} pages.
 *
 * @param visible the visible positions; null when every tool is visible
 */
public record ToolView(BitSet visible) {

    /** Every tool. */
    public static final ToolView ALL = new ToolView(null);

    /** True when every tool is visible. */
    public boolean all() {
        return visible == null;
    }

    /** True when the tool at {@code position} is visible. */
    public boolean shows(int position) {
        return visible == null || visible.get(position);
    }
}
