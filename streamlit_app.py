"""Start the qualcode workbench: ``streamlit run streamlit_app.py``."""

import runpy

from qualcode.app import APP_SCRIPT

runpy.run_path(str(APP_SCRIPT), run_name="__main__")
