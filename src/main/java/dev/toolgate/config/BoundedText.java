package dev.toolgate.config;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Text for a regular expression to match with a bound on the work: each character the matcher reads
 * is paid from a budget, and past it {@link Exhausted} is thrown. Java's engine backtracks, so a
 * pattern like {@code ^(a+)+$} from a configuration or a schema could otherwise spend hours on a few
 * thousand characters a client sent, on the event loop that serves it (Kong's PCRE stops at a match
 * limit the same way).
 */
public final class BoundedText implements CharSequence {

    /** The budget is spent: the text is treated as not matching, or refused, by the caller. */
    public static final class Exhausted extends RuntimeException {
        Exhausted() {
            super("a value took too long to match a pattern", null, false, false);
        }
    }

    private final String text;
    private final long[] left;

    /** @param left the budget, shared by every match that pays from it */
    public BoundedText(String text, long[] left) {
        this.text = text;
        this.left = left;
    }

    /**
     * The matcher after {@code pattern} matched at the start of {@code text} within {@code reads}
     * character reads; null when it did not match, or spent them first (then {@code exhausted} runs).
     */
    public static Matcher lookingAt(Pattern pattern, String text, long reads, Runnable exhausted) {
        return lookingAt(pattern, text, new long[]{reads}, exhausted);
    }

    /** Like {@link #lookingAt(Pattern, String, long, Runnable)}, spending from {@code left}, which several share. */
    public static Matcher lookingAt(Pattern pattern, String text, long[] left, Runnable exhausted) {
        if (left[0] <= 0) {
            exhausted.run();
            return null;
        }
        Matcher m = pattern.matcher(new BoundedText(text, left));
        try {
            return m.lookingAt() ? m : null;
        } catch (Exhausted e) {
            exhausted.run();
            return null;
        }
    }

    /**
     * Like {@link #lookingAt}, for a match anywhere in {@code text}, spending from {@code left}, which several
     * finds share (one request's header regexes).
     */
    public static Matcher find(Pattern pattern, String text, long[] left, Runnable exhausted) {
        if (left[0] <= 0) {
            exhausted.run();
            return null;
        }
        Matcher m = pattern.matcher(new BoundedText(text, left));
        try {
            return m.find() ? m : null;
        } catch (Exhausted e) {
            exhausted.run();
            return null;
        }
    }

    @Override
    public char charAt(int index) {
        if (--left[0] < 0) {
            throw new Exhausted();
        }
        return text.charAt(index);
    }

    @Override
    public int length() {
        return text.length();
    }

    @Override
    public CharSequence subSequence(int start, int end) {
        return new BoundedText(text.substring(start, end), left);
    }

    @Override
    public String toString() {
        return text;
    }
}
