"""Peak resident memory of a block, sampled every millisecond by a helper thread (torch
releases the GIL while it computes), for the PyTorch benchmark peers."""
import threading, time

PAGE = 4096

def rss():
    with open('/proc/self/statm') as f:
        return int(f.read().split()[1]) * PAGE

class Peak:
    def __enter__(self):
        self.base = rss(); self.peak = self.base; self.running = True
        def sample():
            while self.running:
                self.peak = max(self.peak, rss()); time.sleep(0.001)
        self.thread = threading.Thread(target=sample, daemon=True); self.thread.start()
        return self
    def __exit__(self, *a):
        self.running = False; self.thread.join(); self.peak = max(self.peak, rss())

