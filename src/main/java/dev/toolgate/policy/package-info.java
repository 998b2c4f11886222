/** Kong's plugins that run in the pipeline, one package each: its configuration record and its policy. */
package dev.toolgate.policy;
